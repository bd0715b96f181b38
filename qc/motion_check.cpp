// motion: the body jumping between adjacent slices (the research note's CT6
// "body-outline jump > 3 mm"; in MR the through-plane counterpart of
// MRIQC's motion measures). Value: the largest second difference of the
// body centroid, |c(i+1) - 2 c(i) + c(i-1)| in mm, over slices whose body is
// at least half the largest slice's (anatomy moves the centroid smoothly;
// a patient who moves between slices shifts it at once).
#include <algorithm>
#include <cmath>

#include "qc/checks.h"
#include "qc/slice_profile.h"

namespace rwd::qc {

CheckResult CheckMotion(const SeriesVolume& v, const Thresholds& t) {
  if (v.voxels.empty()) return NotApplicable("motion", "no voxels");
  if (v.slices.size() < 3) return NotApplicable("motion", "fewer than 3 slices");
  const SliceProfile p = ProfileSlices(v);
  auto ok = [&](size_t i) { return p.area[i] >= 0.5 * p.max_area && p.area[i] > 0; };
  double worst = 0;
  bool any = false;
  for (size_t i = 1; i + 1 < v.slices.size(); ++i) {
    if (!ok(i - 1) || !ok(i) || !ok(i + 1)) continue;
    any = true;
    const double ddx = p.cx[i + 1] - 2 * p.cx[i] + p.cx[i - 1];
    const double ddy = p.cy[i + 1] - 2 * p.cy[i] + p.cy[i - 1];
    worst = std::max(worst, std::hypot(ddx, ddy));
  }
  if (!any) return NotApplicable("motion", "no three adjacent slices with body");
  return Grade("motion", worst, t, "body centroid second difference");
}

}  // namespace rwd::qc
