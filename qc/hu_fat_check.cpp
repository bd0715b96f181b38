// hu_fat: CT number calibration of fat. The mode of the 3x3-smoothed HU of
// body voxels (two pixels inside the body outline) in the fat window
// [-200, -20] HU, which is about -100 HU in calibrated images (the research
// note's CT2: fat -100 +- 20; adipose tissue -190..-30 in the body
// composition literature). Value: |mode + 100| in HU over 16 evenly spaced
// slices; n.a. with fewer than 200 such voxels (no fat in the FOV). Warn
// only by default: fat content varies more than air.
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"

namespace rwd::qc {

CheckResult CheckHuFat(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("hu_fat", "not CT");
  if (v.voxels.empty()) return NotApplicable("hu_fat", "no voxels");
  const Foreground fg = ForegroundOf(v);
  constexpr double kLo = -200, kHi = -20, kBin = 5;
  constexpr int kBins = static_cast<int>((kHi - kLo) / kBin);
  std::vector<double> hist(kBins, 0);
  std::mutex mu;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 16);
  ForEachSlice(sample.size(), [&](size_t k) {
    cv::Mat inside = ~ExternalAir(BodyMask(v, sample[k], fg));
    cv::erode(inside, inside, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    cv::Mat smooth;
    cv::blur(SliceMat(v, sample[k]), smooth, cv::Size(3, 3));
    std::vector<double> local(kBins, 0);
    for (int r = 0; r < smooth.rows; ++r) {
      const float* p = smooth.ptr<float>(r);
      const uint8_t* in = inside.ptr<uint8_t>(r);
      for (int c = 0; c < smooth.cols; ++c)
        if (in[c] && p[c] >= kLo && p[c] < kHi) local[static_cast<int>((p[c] - kLo) / kBin)] += 1;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (int i = 0; i < kBins; ++i) hist[i] += local[i];
  });
  double total = 0;
  int mode = 0;
  for (int i = 0; i < kBins; ++i) {
    total += hist[i];
    if (hist[i] > hist[mode]) mode = i;
  }
  if (total < 200) return NotApplicable("hu_fat", "no fat in the field of view");
  const double fat = kLo + (mode + 0.5) * kBin;
  return Grade("hu_fat", std::abs(fat + 100.0), t, "mode of fat vs -100 HU");
}

}  // namespace rwd::qc
