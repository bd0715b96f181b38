// cjv: coefficient of joint variation of grey and white matter (Ganzetti et
// al. 2016, Front Neuroinform 10:10; MRIQC's cjv): (sd_WM + sd_GM) /
// |mean_WM - mean_GM|. Tissue classes: three-class 1-D k-means of the head
// voxels (MRIQC uses FSL FAST; this is the light version): GM the middle
// class, WM the brightest (T1-weighted contrast). Higher is worse (motion
// and intensity non-uniformity raise it). No absolute threshold: graded by
// the cohort z, or by the profile's own qc.checks.cjv.
#include <array>
#include <cmath>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/mr_regions.h"
#include "qc/robust_stats.h"

namespace rwd::qc {

CheckResult CheckCjv(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("cjv", "not MR");
  if (v.voxels.empty()) return NotApplicable("cjv", "no voxels");
  MrRegions storage;
  const MrRegions& r = CollectMrRegions(v, storage);
  if (r.head.size() < 3000) return NotApplicable("cjv", "no head in the images");
  std::array<double, 3> c = {r.head_q20, r.head_median, r.head_q80};
  std::array<double, 3> sum{}, sum_sq{}, n{};
  for (int iter = 0; iter < 15; ++iter) {
    sum = {};
    sum_sq = {};
    n = {};
    for (size_t i = 0; i < r.head.size(); i += 4) {  // every 4th voxel is plenty for three means
      const float x = r.head[i];
      int k = 0;
      for (int j = 1; j < 3; ++j)
        if (std::abs(x - c[j]) < std::abs(x - c[k])) k = j;
      sum[k] += x;
      sum_sq[k] += static_cast<double>(x) * x;
      n[k] += 1;
    }
    for (int j = 0; j < 3; ++j)
      if (n[j] > 0) c[j] = sum[j] / n[j];
  }
  if (n[1] < 100 || n[2] < 100) return NotApplicable("cjv", "tissue classes not separable");
  auto sd = [&](int j) { return std::sqrt(std::max(0.0, sum_sq[j] / n[j] - c[j] * c[j])); };
  const double contrast = std::abs(c[2] - c[1]);
  if (!(contrast > 0)) return NotApplicable("cjv", "no grey/white contrast");
  return Grade("cjv", (sd(1) + sd(2)) / contrast, t, "3-class k-means, T1 order");
}

}  // namespace rwd::qc
