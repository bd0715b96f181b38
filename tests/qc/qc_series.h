#pragma once
// Series for the QC tests, built from real data and from phantoms, and the
// defects planted into them. Everything is generated in memory: ch2.nii.gz
// (mricron-data) resliced as MR series in three planes, a real CT slice from
// pydicom's test files stacked into a series, and synthetic CT head and body
// phantoms (air, fat, soft tissue, bone, brain, lungs; a reconstruction
// circle with padding outside it, as scanners write). No patient data.
#include <cstdint>
#include <string>

#include "core/series_volume.h"

namespace rwd::testing {

enum class Plane { kAxial, kSagittal, kCoronal };

// ch2 (1 mm, T1) resliced in `plane`, every `step`-th slice, scaled so that
// its 99th percentile is 1000, with Rician noise of sigma = noise * 1000.
// The field of view starts `from_mm` above ch2's lowest slice (below 56 mm
// the template's box cuts the neck and shoulders at its sides).
SeriesVolume Ch2Series(Plane plane, double noise = 0.01, int step = 2, double ghost = 0,
                       uint32_t seed = 1, int from_mm = 56);

// A CT head (BodyPartExamined HEAD) from below the skull base to above the
// vertex: 256 x 256 at 1 mm, `slices` x 3 mm, noise sigma 8 HU.
SeriesVolume CtHeadPhantom(int slices = 56, uint32_t seed = 2);
// A CT chest (CHEST): 256 x 256 at 1.6 mm, 40 x 5 mm, noise sigma 12 HU; the
// body's half-width is `half_width_mm` (170: inside the reconstruction
// circle of 205 mm radius; more: truncated by it).
SeriesVolume CtBodyPhantom(double half_width_mm = 170, uint32_t seed = 3);
// pydicom's CT_small.dcm (a real 128 x 128 CT slice, 5 mm) stacked into
// `slices` slices at 5 mm, each with its own added noise (sigma 3 HU).
// Throws when the file cannot be read.
SeriesVolume RealCtSmallSeries(int slices = 12, uint32_t seed = 4);
// octave-dicom's CT-MONO2-16-ankle.dcm as it is: one real 512 x 512 CT
// image, ImageType DERIVED\SECONDARY\3D, no position or orientation.
SeriesVolume RealCtAnkleImage();

// Defects.
void RemoveSlices(SeriesVolume& v, size_t first, size_t count);
// A copy of slice `index` inserted after it, `offset_mm` further along the
// normal, with the next free InstanceNumber.
void DuplicateSlice(SeriesVolume& v, size_t index, double offset_mm);
// Positions moved along the normal by up to +-fraction x spacing.
void JitterSpacing(SeriesVolume& v, double fraction, uint32_t seed);
// Removes the first `columns` columns of every slice (the FOV cuts the body).
void CropColumns(SeriesVolume& v, int columns);
// A cylinder of metal (3071 HU) of `radius_mm` over `slices` slices from the
// middle, with 12 dark and bright streaks radiating from it, of `streak_hu`
// next to the metal (dark -streak_hu, bright +2/3 of it), fading with
// distance (0: metal without streaks, as after metal artefact reduction).
void AddMetal(SeriesVolume& v, double radius_mm, int slices, double streak_hu = 300);
// Concentric rings about the image centre on every slice: `amplitude_hu`
// added on the 1-pixel-wide circles of radius 40, 70 and 100 pixels (a
// detector channel out of calibration), inside the body only.
void AddRings(SeriesVolume& v, double amplitude_hu);
// Pixels of the right `fraction` of the reconstruction circle's width set
// to the padding value -3024 on every slice (a blanked part of the FOV).
void BlankFov(SeriesVolume& v, double fraction);
// A multiplicative bias field: 1 + slope x (column - centre) / half-width
// (a linear coil-sensitivity gradient across the image).
void AddBias(SeriesVolume& v, double slope);
// Every modality value shifted (a wrong RescaleIntercept).
void OffsetHu(SeriesVolume& v, double hu);
// A gantry tilt: column cosines turned by `degrees` about the row direction,
// positions still stacked along the table; GantryDetectorTilt set when
// `header` is true.
void Tilt(SeriesVolume& v, double degrees, bool header);
// Slices from `first` on moved in-plane by `columns` pixels (the patient
// moved between two slices).
void ShiftSlices(SeriesVolume& v, size_t first, int columns);
// Voxels of the air outside the head set to exactly 0 (a vendor-masked
// background): every voxel below `threshold`.
void ZeroBackground(SeriesVolume& v, float threshold);
// ImageType of the first `count` slices (all when count = 0).
void SetImageType(SeriesVolume& v, const std::string& image_type, size_t count = 0);

}  // namespace rwd::testing
