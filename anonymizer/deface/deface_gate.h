#pragma once
// The verification gate every defaced series passes before release
// (issue 10; research note deface-qc.md 2.3). It measures, from the volume
// as it will be released:
//  - brain: changed voxels inside the brain mask dilated by
//    `brain_dilation_mm` (must be 0) and the smallest distance from a changed
//    voxel to the brain (clearance, must be >= `min_clearance_mm`);
//  - privacy: the face surface rendered before and after from 6 views (yaw
//    0/+-30, pitch 0/-20 degrees) at 3 iso-levels; the residual is the share
//    of surface pixels in the eye/nose/mouth zone whose depth changed by
//    less than 2 mm (worst view; must be <= `max_residual`);
//  - volume: removed head tissue as a share of the head (sane range).
#include <cstddef>
#include <string>

#include "anonymizer/deface/cut.h"
#include "anonymizer/deface/work_grid.h"

namespace rwd::deface {

struct GateOptions {
  double max_residual = 0.05;       // of face-zone surface pixels unchanged
  double min_clearance_mm = 5.0;    // changed voxels to brain
  double brain_dilation_mm = 3.0;   // the "dilated brain mask"
  double min_removed_share = 0.02;  // of head tissue removed
  double max_removed_share = 0.40;
};

struct GateMeasurements {
  size_t brain_voxels_changed = 0;  // in the dilated brain mask
  double clearance_mm = 0;          // smallest changed-voxel distance to the brain
  double residual = 1;              // worst view and level
  double residual_frontal = 1;      // yaw 0, pitch 0, head level
  size_t zone_pixels = 0;           // surface pixels in the face zone (frontal view, head level)
  double removed_share = 0;         // removed tissue voxels / tissue voxels
  size_t voxels_changed = 0;
};

// `before` and `after` are the working grids of the series before and after
// Apply; `head_threshold` the head/air level. REQUIRES: cut.nasion.
GateMeasurements MeasureGate(const Cut& cut, const SeriesVolume& defaced, const ApplyResult& applied,
                             const WorkGrid& before, const WorkGrid& after, double head_threshold, bool is_ct,
                             const GateOptions& options);

// "" when every measurement passes, else which failed and by how much
// (numbers only, no attribute value).
std::string GateFailure(const GateMeasurements& m, const GateOptions& options);

}  // namespace rwd::deface
