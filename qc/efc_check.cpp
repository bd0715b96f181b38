// efc: entropy focus criterion (Atkinson et al. 1997, IEEE TMI 16:903, as
// MRIQC computes it): the Shannon entropy of the voxel intensities
// x_j / x_max with x_max = sqrt(sum x_j^2), normalised by its maximum for N
// voxels, N (1/sqrt(N)) ln(1/sqrt(N)). Higher is worse (ghosting and
// blurring raise it). No absolute threshold (MRIQC publishes none): graded by
// the cohort z, or by the profile's own qc.checks.efc.
#include <atomic>
#include <cmath>
#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"

namespace rwd::qc {

CheckResult CheckEfc(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("efc", "not MR");
  if (v.voxels.empty()) return NotApplicable("efc", "no voxels");
  std::vector<double> sq(v.slices.size(), 0), ent(v.slices.size(), 0);
  ForEachSlice(v.slices.size(), [&](size_t s) {
    double a = 0;
    for (float x : v.slice(s))
      if (x > 0) a += static_cast<double>(x) * x;
    sq[s] = a;
  });
  double sum_sq = 0;
  for (double a : sq) sum_sq += a;
  const double b = std::sqrt(sum_sq);
  if (!(b > 0)) return NotApplicable("efc", "empty image");
  ForEachSlice(v.slices.size(), [&](size_t s) {
    double e = 0;
    for (float x : v.slice(s))
      if (x > 0) e += (x / b) * std::log(x / b);
    ent[s] = e;
  });
  double e = 0;
  for (double x : ent) e += x;
  const double n = static_cast<double>(v.voxels.size());
  const double e_max = n * (1.0 / std::sqrt(n)) * std::log(1.0 / std::sqrt(n));
  return Grade("efc", e / e_max, t);
}

}  // namespace rwd::qc
