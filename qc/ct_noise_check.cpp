// ct_noise: the global noise level (Christianson et al. 2015, Radiology
// 275:941; "GNI", Phys Med Biol 2024, PMID 38537310): a local standard
// deviation map (7x7 pixels, about 6 mm at 0.7-0.9 mm pixels) over soft
// tissue (0..100 HU: here the 3x3 mean, over the whole 7x7 window), and the mode of its histogram (0.5 HU bins). Value: the
// GNL in HU over 32 evenly spaced slices; n.a. with fewer than 1000 soft
// tissue pixels. Cohort z applies (noise depends on dose and protocol).
#include <opencv2/imgproc.hpp>

#include <mutex>

#include "qc/checks.h"
#include "qc/foreground.h"

namespace rwd::qc {

CheckResult CheckCtNoise(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("ct_noise", "not CT");
  if (v.voxels.empty()) return NotApplicable("ct_noise", "no voxels");
  constexpr double kBin = 0.5, kMax = 200;
  constexpr int kBins = static_cast<int>(kMax / kBin);
  std::vector<double> hist(kBins, 0);
  std::mutex mu;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 32);
  ForEachSlice(sample.size(), [&](size_t k) {
    const cv::Mat m = SliceMat(v, sample[k]);
    cv::Mat mean, sq, mean_sq;
    cv::blur(m, mean, cv::Size(7, 7));
    cv::multiply(m, m, sq);
    cv::blur(sq, mean_sq, cv::Size(7, 7));
    // Soft tissue: 3x3 mean within 0..100 HU over the whole 7x7 window
    // (thin layers and edges are left out, as the 2024 variant leaves out
    // high-gradient pixels).
    cv::Mat smooth, tissue;
    cv::blur(m, smooth, cv::Size(3, 3));
    cv::inRange(smooth, 0.0, 100.0, tissue);
    cv::erode(tissue, tissue, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    std::vector<double> local(kBins, 0);
    for (int r = 3; r < m.rows - 3; ++r) {
      const uint8_t* in = tissue.ptr<uint8_t>(r);
      const float* mu1 = mean.ptr<float>(r);
      const float* mu2 = mean_sq.ptr<float>(r);
      for (int c = 3; c < m.cols - 3; ++c) {
        if (!in[c]) continue;
        const double var = static_cast<double>(mu2[c]) - static_cast<double>(mu1[c]) * mu1[c];
        const double sd = var > 0 ? std::sqrt(var * 49.0 / 48.0) : 0.0;
        if (sd < kMax) local[static_cast<int>(sd / kBin)] += 1;
      }
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
  if (total < 1000) return NotApplicable("ct_noise", "too little soft tissue (0..100 HU)");
  return Grade("ct_noise", (mode + 0.5) * kBin, t, "global noise level (mode of 7x7 local SD)");
}

}  // namespace rwd::qc
