#pragma once
// The cut: what is removed from a head, as a value in patient coordinates
// (LPS, mm), computed once per frame of reference and applied to every
// series that shares it (T1, T2, FLAIR of one visit alike; the spirit of
// pydeface --applyto, without registration).
//
// It is a quickshear-style plane (Schimke & Kuehn 2011, generalised to
// millimetres): the brain mask projected onto the sagittal (y, z) plane, its
// convex hull, the hull edge (>= 20 mm) whose outward normal is closest to
// the anterior-inferior diagonal, moved `buffer_mm` outward; everything on
// the face side goes. Plus a face band for the eyes and brows the plane
// misses: cells of the head envelope (and its outer 4 mm) at most
// `band_depth_mm` under the skin,
// at least `band_guard_mm` from the brain, on the face side of the plane
// moved `band_margin_mm` towards the brain, and no higher than the nasion +
// `band_above_nasion_mm`.
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/deface/head_model.h"
#include "anonymizer/deface/work_grid.h"

namespace rwd::deface {

struct CutOptions {
  double buffer_mm = 10.0;            // plane offset from the brain hull
  double min_edge_mm = 20.0;          // shortest hull edge that may carry the plane
  double band_depth_mm = 15.0;        // face band: depth under the skin
  double band_guard_mm = 12.0;        // face band: distance kept from the brain mask
  double band_margin_mm = 25.0;       // face band: how far behind the plane it reaches
  double band_above_nasion_mm = 30.0; // face band: upper limit (brows)
};

struct Plane {
  Vec3 normal{};        // unit, LPS; points to the face side
  double offset = 0;    // face side: dot(normal, p) > offset (mm)
  bool Removes(const Vec3& p) const { return normal[0] * p[0] + normal[1] * p[1] + normal[2] * p[2] > offset; }
};

struct Cut {
  std::string frame_of_reference_uid;  // the series it was computed on
  Plane plane;
  bool plane_fallback = false;         // no hull edge qualified: fixed 45 degree support plane
  CutOptions options;
  std::optional<Vec3> nasion;
  GridShape grid;                      // where `band` and `brain_distance` live
  Mask band;                           // 1: removed (besides the plane)
  std::vector<float> brain_distance;   // mm to the brain mask it was computed from (for the gate)
  // True when a patient point is removed by this cut.
  bool Removes(const Vec3& p) const;
};

// REQUIRES: the head has a brain mask (brain_volume_ml > 0).
Cut ComputeCut(const HeadModel& head, const GridShape& grid, const CutOptions& options);

// Voxels changed by Apply: (slice, offset in slice, value before).
struct ChangedVoxel {
  uint32_t slice;
  uint32_t offset;
  float before;
};
struct ApplyResult {
  std::vector<ChangedVoxel> changed;  // in volume order
  std::vector<size_t> changed_slices; // ascending
};

// Sets every voxel of `volume` that `cut` removes to `fill` (the voxel centre
// decides). REQUIRES: volume.geometry.known.
ApplyResult Apply(const Cut& cut, SeriesVolume& volume, float fill);
// Puts back what Apply changed (a series that fails the gate is never
// released half-defaced).
void Undo(const ApplyResult& applied, SeriesVolume& volume);

}  // namespace rwd::deface
