#pragma once
// What the defacer knows about a head, computed from the voxels on the
// working grid (anonymizer/deface/work_grid.h), never from header text:
// head mask and envelope, intracranial (brain) mask, landmarks.
//
// CT (modality values in HU): head = HU > -300, opened 3 mm, largest
// component; brain = inside the closed skull (HU > 250) and -20 < HU < 100,
// opened 2 mm, largest component (after Muschelli's HU-window skull strip).
// MR: head = 0.5 x Otsu, closed, largest component; brain = intensity above
// Otsu of the envelope's interior (>= 8 mm deep), opened 4 mm to cut the
// optic and orbital bridges, largest component, closed and hole-filled. Not
// a deformable-surface (BET) extraction: it is cross-checked against the
// landmarks instead (HeadModel::brain_plausible).
#include <optional>
#include <string>

#include "anonymizer/deface/work_grid.h"

namespace rwd::deface {

struct Landmarks {
  double mid_x = 0;               // left-right centre of the head (mm)
  std::optional<Vec3> nasion;     // deepest point of the midline profile between forehead and nose
  double brain_front_y = 0;       // most anterior brain point (smallest y, mm)
  double brain_front_z = 0;       // its height (mm)
  double brain_bottom_z = 0;      // lowest brain point (mm)
};

struct HeadModel {
  bool is_ct = false;
  double head_threshold = 0;      // modality units: tissue above it is head
  Mask head, envelope, brain;     // on the grid
  std::vector<float> skin_depth;  // mm from the skin (see AnalyseHead; 0 outside the envelope)
  std::vector<float> brain_distance;  // mm to the brain mask
  Landmarks landmarks;
  double head_width_mm = 0, head_depth_mm = 0;  // left-right and anterior-posterior extent
  double head_volume_ml = 0, brain_volume_ml = 0;
  bool brain_touches_bottom = false;  // brain reaches the lowest covered slice
  // "" when the brain mask is plausible (<= 2300 ml, <= 60 % of the head,
  // under the skin) and agrees with the landmarks (behind the nasion, not in
  // the orbits).
  std::string brain_problem;
};

HeadModel AnalyseHead(const WorkGrid& grid, bool is_ct);

// The head/air threshold alone (CT: -300 HU; MR: 0.5 x Otsu of the
// non-background cells), for a series that reuses another series' cut.
double HeadThreshold(const WorkGrid& grid, bool is_ct);

}  // namespace rwd::deface
