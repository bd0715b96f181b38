#pragma once
// Test series made from mricron-data's ch2 (a real T1 head with a face, 1 mm)
// and ch2bet (its brain): resampled into DICOM series of any orientation,
// single-frame or enhanced multi-frame, MR as it is or CT-like (HU by
// tissue, a skull). Also an independent reader and renderer of released
// files (DCMTK directly, not the code under test).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/series_volume.h"

namespace rwd::testing {

struct PhantomSpec {
  Vec3 row_dir{1, 0, 0}, col_dir{0, 1, 0};  // LPS unit vectors (IOP)
  double pixel_mm = 1.0, slice_mm = 1.0;
  int rows = 217, columns = 181, slices = 181;
  Vec3 center{0, 18, 18};  // LPS centre of the block (ch2's centre)
  bool ct = false;
  bool multiframe = false;
  std::string image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  std::string frame_of_reference_uid = "1.2.826.0.1.3680043.10.1267.1";
  std::string series_uid = "1.2.826.0.1.3680043.10.1267.2";
  // MR: a second contrast of the visit (40 + 0.8 x T1 inside the head),
  // or T1 inverted inside the head (vitreous and CSF bright, fat dark).
  bool second_contrast = false;
  // The head turned in the scanner (degrees about the vertical, then the
  // left-right axis, around ch2's centre): not aligned with the patient axes.
  double head_yaw_deg = 0, head_pitch_deg = 0;
  bool inverted_contrast = false;
};

struct Phantom {
  std::vector<std::vector<uint8_t>> files;  // Part 10 bytes, one per object
  // Per voxel in file order (object, frame, row, column; ReadFiles' order):
  // 1 where ch2bet has brain at or next to the voxel centre (the voxels
  // that must not change).
  std::vector<uint8_t> brain;
};

Phantom MakePhantom(const PhantomSpec& spec);

// An image read back with DCMTK: voxel positions and modality values.
struct ReadBack {
  std::vector<Vec3> position;   // per voxel
  std::vector<float> value;     // modality value per voxel
  std::vector<int64_t> stored;  // stored value per voxel
  size_t objects = 0;
};
// Reads files in the order given; voxels in (object, frame, row, column)
// order. Throws std::runtime_error.
ReadBack ReadFiles(const std::vector<std::vector<uint8_t>>& files);

// Anterior depth map (2 mm pixels over x in [-90, 90], z in [-72, 108] LPS):
// the most anterior y of voxels with value >= level; 1e9 where none.
std::vector<double> AnteriorDepthMap(const ReadBack& r, float level, int* width, int* height);
// The distance (mm) from a point to the nearest ch2bet brain voxel centre,
// exact up to 8 mm, else a lower bound (at most 20).
double Ch2BrainDistance(const Vec3& lps);

// Share of face-zone pixels (|x| <= 45, z in [-71, -15] mm: eyes, brows,
// nasion, nose bridge of ch2) with a surface in `before` whose depth
// changed by less than 2 mm in `after`.
double FaceZoneResidual(const std::vector<double>& before, const std::vector<double>& after, int width, int height);

}  // namespace rwd::testing
