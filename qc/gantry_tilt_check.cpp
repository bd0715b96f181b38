// gantry_tilt: a stack whose slices are not stacked along their normal
// (CT gantry tilt, or sheared reconstructions). dcm2niix detects it from the
// angle between the slice normal and the direction from the first to the
// last ImagePositionPatient and corrects it; for 3-D use it must be
// resampled. Value: the larger of that angle and |GantryDetectorTilt|
// (0018,1120), in degrees.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "qc/checks.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckGantryTilt(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("gantry_tilt", "no slices");
  double header = 0;
  bool any_header = false;
  for (const SliceGeometry& g : v.slices)
    if (g.gantry_tilt) {
      header = std::max(header, std::abs(*g.gantry_tilt));
      any_header = true;
    }
  const SliceStack s = AnalyzeStack(v);
  double geometric = 0;
  bool any_geometry = false;
  if (s.has_geometry && v.slices.size() >= 2) {
    // First and last along the normal.
    const SliceGeometry* lo = &v.slices.front();
    const SliceGeometry* hi = lo;
    for (const SliceGeometry& g : v.slices) {
      if (Dot(s.normal, *g.position) < Dot(s.normal, *lo->position)) lo = &g;
      if (Dot(s.normal, *g.position) > Dot(s.normal, *hi->position)) hi = &g;
    }
    const Vec3 d{(*hi->position)[0] - (*lo->position)[0], (*hi->position)[1] - (*lo->position)[1],
                 (*hi->position)[2] - (*lo->position)[2]};
    const double len = Norm(d);
    if (len > kSamePositionMm) {
      const double c = std::clamp(std::abs(Dot(d, s.normal)) / len, 0.0, 1.0);
      geometric = std::acos(c) * 180.0 / std::numbers::pi;
      any_geometry = true;
    }
  }
  if (!any_header && !any_geometry) return NotApplicable("gantry_tilt", "no positions and no GantryDetectorTilt");
  return Grade("gantry_tilt", std::max(header, geometric), t,
               header > geometric ? "GantryDetectorTilt" : "positions vs normal");
}

}  // namespace rwd::qc
