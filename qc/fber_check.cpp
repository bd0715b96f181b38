// fber: foreground-background energy ratio (Shehzad et al. 2015, the
// QAP; MRIQC's fber): median(|head|^2) / median(|air|^2) (mr_regions.h's
// masks). Lower is worse. n.a. when the background is zero-filled (the ratio
// is then undefined). No absolute threshold: graded by the cohort z, or by
// the profile's own qc.checks.fber.
#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/mr_regions.h"
#include "qc/robust_stats.h"

namespace rwd::qc {

CheckResult CheckFber(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("fber", "not MR");
  if (v.voxels.empty()) return NotApplicable("fber", "no voxels");
  MrRegions storage;
  const MrRegions& r = CollectMrRegions(v, storage);
  if (r.head.size() < 1000 || r.air.size() < 1000) return NotApplicable("fber", "no head or no air");
  if (r.suppressed()) return NotApplicable("fber", "background zero-filled");
  // The median of squares of non-negative values is the square of the median.
  const double air = r.air_median, head = r.head_median;
  if (!(air > 0)) return NotApplicable("fber", "background zero-filled");
  return Grade("fber", (head * head) / (air * air), t);
}

}  // namespace rwd::qc
