#pragma once
// One series as a volume: the per-slice geometry from the headers and the
// voxels, in patient coordinates (PS3.3 C.7.6.2: LPS, millimetres). This is
// what series stages (qc/, anonymizer/deface/) work on; they never see DICOM.
//
// Slices are ordered along the slice normal (ascending position · normal)
// when every slice has a position and an orientation; otherwise in
// InstanceNumber order. Each slice remembers which object and frame it came
// from, so that a changed voxel can be written back (see
// series_volume_builder.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rwd {

using Vec3 = std::array<double, 3>;

// The header facts of one slice (one frame of one object).
struct SliceGeometry {
  size_t object_index = 0;  // index into the objects the volume was built from
  int frame = 0;            // frame of that object (0 for single-frame)
  std::optional<int> instance_number;
  std::optional<Vec3> position;                   // ImagePositionPatient (mm)
  std::optional<std::array<double, 6>> orientation;  // ImageOrientationPatient: row then column cosines
  std::optional<std::array<double, 2>> pixel_spacing;  // PixelSpacing: between rows, between columns (mm)
  std::optional<double> slice_thickness;
  std::optional<double> gantry_tilt;  // GantryDetectorTilt (degrees)
  int rows = 0, columns = 0;
  int bits_stored = 0;
  double rescale_slope = 1.0, rescale_intercept = 0.0;
  std::string frame_of_reference_uid;  // as in the object handed to the builder
  std::string image_type;              // e.g. "ORIGINAL\PRIMARY\AXIAL"
};

// Series-wide header facts series stages may need for their decisions.
// Strings are "" when absent.
struct SeriesFacts {
  std::string modality, manufacturer, model, body_part, sop_class_uid;
  std::string study_description, series_description, protocol_name;  // for decisions only: never logged
  std::string phase_encoding_direction;           // InPlanePhaseEncodingDirection: "ROW", "COL" or ""
  std::string photometric;                        // e.g. "MONOCHROME2"
  std::optional<double> magnetic_field_strength, kvp;
  std::optional<double> pixel_padding_value;  // modality units (after rescale)
  std::optional<double> window_center, window_width;
};

// The voxel grid in patient space, when every slice has a position, an
// orientation and a pixel spacing, and all slices share orientation,
// spacing and size (within 1e-3). Voxel (s, r, c) lies at
//   slices[s].position + c * column_spacing * row_direction
//                      + r * row_spacing * column_direction
// (PS3.3 C.7.6.2.1.1: the row direction is the direction of increasing
// column index). Slices lie along `normal` = row_direction x column_direction.
struct VolumeGeometry {
  bool known = false;
  Vec3 row_direction{}, column_direction{}, normal{};
  double row_spacing = 0, column_spacing = 0;  // PixelSpacing (mm)
  double slice_spacing = 0;        // median distance of adjacent slices (mm)
  double max_spacing_error = 0;    // max |spacing_i - median| / median
  int gaps = 0;                    // adjacent slices >= 1.5 x median apart (missing slices)
  int duplicates = 0;              // adjacent slices < 0.01 mm apart
  int instance_number_gaps = 0;    // single-frame: InstanceNumber steps != 1 in volume order
  // True when the slices form one regular stack (no gap, duplicate or
  // spacing error above 10 %): what a 3D stage may rely on.
  bool regular() const { return known && gaps == 0 && duplicates == 0 && instance_number_gaps == 0 && max_spacing_error <= 0.1; }
};

struct SeriesVolume {
  SeriesFacts facts;
  VolumeGeometry geometry;
  std::vector<SliceGeometry> slices;  // one per voxel slice, in volume order
  int rows = 0, columns = 0;          // every slice has this size (else no volume is built)
  // Modality values (stored value * slope + intercept: CT in HU), slice-major:
  // voxel (slice s, row r, column c) is voxels[(s * rows + r) * columns + c].
  // Monochrome only (colour series get no volume).
  std::vector<float> voxels;

  size_t slice_size() const { return static_cast<size_t>(rows) * static_cast<size_t>(columns); }
  std::span<float> slice(size_t s) { return {voxels.data() + s * slice_size(), slice_size()}; }
  std::span<const float> slice(size_t s) const { return {voxels.data() + s * slice_size(), slice_size()}; }
  float at(size_t s, int r, int c) const { return voxels[(s * rows + r) * columns + c]; }
  // Patient position (mm) of voxel (s, r, c). REQUIRES: geometry.known.
  Vec3 PositionOf(size_t s, double r, double c) const {
    const Vec3& p = *slices[s].position;
    const VolumeGeometry& g = geometry;
    Vec3 out;
    for (int i = 0; i < 3; ++i)
      out[i] = p[i] + c * g.column_spacing * g.row_direction[i] + r * g.row_spacing * g.column_direction[i];
    return out;
  }
};

}  // namespace rwd
