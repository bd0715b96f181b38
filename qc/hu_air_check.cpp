// hu_air: CT number calibration of air. The median HU of external air
// (outside the body, more than 10 mm from it, inside the reconstruction
// circle and away from the image border, padding excluded), which a
// calibrated scanner puts at -1000 HU (PS3.3 C.11.1; the research note's
// CT1: -1000 +- 30 pass, 30-60 warn; phantom criteria, McCollough et al.
// 2004, Med Phys 31:2423, are tighter: patient images need looser ones).
// Value: |median + 1000| in HU over 16 evenly spaced slices.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"

namespace rwd::qc {

CheckResult CheckHuAir(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("hu_air", "not CT");
  if (v.voxels.empty()) return NotApplicable("hu_air", "no voxels");
  const Foreground fg = ForegroundOf(v);
  const auto [dy, dx] = PixelSpacingMm(v);
  const int radius = std::max(1, static_cast<int>(std::lround(10.0 / std::min(dx, dy))));
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
  std::vector<float> air;
  std::mutex mu;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 16);
  ForEachSlice(sample.size(), [&](size_t k) {
    const cv::Mat m = SliceMat(v, sample[k]);
    const cv::Mat body = BodyMask(v, sample[k], fg);
    cv::Mat near_body;
    cv::dilate(body, near_body, kernel);
    const cv::Mat external = ExternalAir(body);
    std::vector<float> local;
    const int margin = 5;
    for (int r = margin; r < m.rows - margin; r += 2) {
      const float* p = m.ptr<float>(r);
      const uint8_t* e = external.ptr<uint8_t>(r);
      const uint8_t* n = near_body.ptr<uint8_t>(r);
      for (int c = margin; c < m.cols - margin; c += 2) {
        if (!e[c] || n[c] || p[c] <= -1500) continue;
        if (v.facts.pixel_padding_value && p[c] == *v.facts.pixel_padding_value) continue;
        local.push_back(p[c]);
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    air.insert(air.end(), local.begin(), local.end());
  });
  if (air.size() < 500) return NotApplicable("hu_air", "too little external air in the field of view");
  const double median = QuantileF(std::move(air), 0.5);
  return Grade("hu_air", std::abs(median + 1000.0), t, "median of external air vs -1000 HU");
}

}  // namespace rwd::qc
