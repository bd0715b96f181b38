// snr: signal-to-noise ratio of an MR series.
// - Background present: Dietrich et al. 2007 (JMRI 26:375) for magnitude
//   images, as MRIQC's snr_dietrich: SNR = median(head) / sigma with
//   sigma = sd(air) / sqrt((4 - pi) / 2) (the Rayleigh correction; sd(air)
//   estimated robustly as 1.4826 MAD, so that ghosts in the air do not count
//   as noise).
// - Background zero-filled or masked (MRIQC: snr_dietrich is then
//   undefined): tissue SNR = median(head) / sigma with sigma the global noise
//   level of the head (mode of the 5x5 local SD map, Christianson's method
//   applied to MR). The note says which.
// Cohort z applies.
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <mutex>
#include <numbers>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/mr_regions.h"
#include "qc/robust_stats.h"

namespace rwd::qc {
namespace {

// Mode of the 5x5 local SD inside the eroded head, over up to 32 slices.
double TissueNoise(const SeriesVolume& v, double head_median) {
  const Foreground fg = ForegroundOf(v);
  const double top = head_median;  // histogram up to the median signal
  constexpr int kBins = 400;
  std::vector<double> hist(kBins, 0);
  std::mutex mu;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 32);
  ForEachSlice(sample.size(), [&](size_t k) {
    const cv::Mat m = SliceMat(v, sample[k]);
    cv::Mat inside;
    cv::erode(BodyMask(v, sample[k], fg), inside, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(11, 11)));
    cv::Mat mean, sq, mean_sq;
    cv::blur(m, mean, cv::Size(5, 5));
    cv::multiply(m, m, sq);
    cv::blur(sq, mean_sq, cv::Size(5, 5));
    std::vector<double> local(kBins, 0);
    for (int r = 0; r < m.rows; ++r)
      for (int c = 0; c < m.cols; ++c) {
        if (!inside.at<uint8_t>(r, c)) continue;
        const double var = mean_sq.at<float>(r, c) - static_cast<double>(mean.at<float>(r, c)) * mean.at<float>(r, c);
        const double sd = var > 0 ? std::sqrt(var * 25.0 / 24.0) : 0.0;
        const int bin = static_cast<int>(sd / top * kBins);
        if (bin < kBins) local[bin] += 1;
      }
    std::lock_guard<std::mutex> lock(mu);
    for (int i = 0; i < kBins; ++i) hist[i] += local[i];
  });
  int mode = 0;
  for (int i = 0; i < kBins; ++i)
    if (hist[i] > hist[mode]) mode = i;
  return (mode + 0.5) * top / kBins;
}

}  // namespace

CheckResult CheckSnr(const SeriesVolume& v, const Thresholds& t) {
  if (!IsMr(v)) return NotApplicable("snr", "not MR");
  if (v.voxels.empty()) return NotApplicable("snr", "no voxels");
  MrRegions storage;
  const MrRegions& regions = CollectMrRegions(v, storage);
  if (regions.head.size() < 1000) return NotApplicable("snr", "no head in the images");
  const double signal = regions.head_median;
  if (!regions.suppressed() && regions.air.size() >= 1000) {
    const double sigma = 1.4826 * regions.air_mad / std::sqrt((4 - std::numbers::pi) / 2);
    if (sigma > 0) return Grade("snr", signal / sigma, t, "Dietrich (air background)");
  }
  const double sigma = TissueNoise(v, signal);
  if (!(sigma > 0)) return NotApplicable("snr", "no noise measurable");
  return Grade("snr", signal / sigma, t, "tissue (background zero-filled)");
}

}  // namespace rwd::qc
