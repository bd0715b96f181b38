#pragma once
// Builds a SeriesVolume (core/series_volume.h) from the objects of one
// series, and writes changed voxels back into them.
//
// Objects: single-frame images, or enhanced multi-frame images whose
// geometry and rescale are in the Shared / Per-Frame Functional Groups
// (PS3.3 C.7.6.16: PlanePositionSequence, PlaneOrientationSequence,
// PixelMeasuresSequence, PixelValueTransformationSequence; per-frame values
// win over shared ones, which win over top-level attributes). One object
// may hold several frames; slices are ordered along the slice normal when
// the geometry is known (VolumeGeometry::known), else by InstanceNumber and
// frame.
//
// Errors name tags and counts, never values: kInvalidArgument (no objects,
// a null object, slices of different size, colour or palette images),
// kUnsupportedTransferSyntax / kInvalidArgument from PixelData::Decode.
#include <cstddef>
#include <span>

#include "core/dicom_file.h"
#include "core/series_volume.h"
#include "core/status.h"

namespace rwd {

// Geometry and header facts only: slices and geometry filled, voxels empty,
// nothing decoded (cheap: for stages that need only the geometry).
Result<SeriesVolume> BuildSeriesGeometry(std::span<DicomFile* const> objects);

// Geometry plus every frame decoded (PixelData::Decode) and rescaled to
// modality values (stored * RescaleSlope + RescaleIntercept; PS3.3
// C.7.6.16.2.9 per frame for enhanced objects). Monochrome only.
Result<SeriesVolume> BuildSeriesVolume(std::span<DicomFile* const> objects);

// Writes the voxels of `changed_slices` back into the pixel data of the
// objects they came from (SliceGeometry::object_index / frame): inverse
// rescale, rounded, clamped to the stored range (BitsStored, signedness);
// bits above BitsStored and voxels whose stored value is unchanged are kept
// as they are. Each touched object is re-encoded with PixelData::WriteTo
// (lossless, Explicit VR Little Endian). REQUIRES: `objects` are the ones
// (same order) `volume` was built from. Untouched objects are not changed.
Status WriteBackSlices(const SeriesVolume& volume, std::span<const size_t> changed_slices,
                       std::span<DicomFile* const> objects);

}  // namespace rwd
