// z_coverage: for head protocols (BodyPartExamined HEAD, BRAIN, SKULL), the
// head cut by the first or last slice: the research note's C1 (mask area in
// the first/last slice / the largest slice area; head: vertex). Value: the
// larger end fraction over the ends that count: every end whose outward
// normal does not point to the feet (the inferior end of a head scan goes on
// into the neck). n.a. for other body parts.
#include <algorithm>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/slice_profile.h"
#include "qc/slice_stack.h"

namespace rwd::qc {

CheckResult CheckZCoverage(const SeriesVolume& v, const Thresholds& t) {
  if (!IsHead(v)) return NotApplicable("z_coverage", "not a head protocol (BodyPartExamined)");
  if (v.voxels.empty()) return NotApplicable("z_coverage", "no voxels");
  if (v.slices.size() < 3) return NotApplicable("z_coverage", "fewer than 3 slices");
  const SliceProfile p = ProfileSlices(v);
  if (p.max_area <= 0) return NotApplicable("z_coverage", "no head in the images");
  // Slices are in volume order (ascending along the normal when positioned).
  const SliceStack s = AnalyzeStack(v);
  const double normal_z = s.has_geometry ? s.normal[2] : 0.0;  // . (0,0,1), superior in LPS
  double value = 0;
  if (-normal_z >= -0.7) value = std::max(value, p.area.front() / p.max_area);  // first end, outward -n
  if (normal_z >= -0.7) value = std::max(value, p.area.back() / p.max_area);    // last end, outward +n
  return Grade("z_coverage", value, t);
}

}  // namespace rwd::qc
