// ring: ring artefacts, concentric rings around the isocentre from a
// miscalibrated or dead detector channel. Detection follows the polar-
// transform approach of the ring-artefact literature (Sijbers & Postnov
// 2004, Phys Med Biol 49:N247; the research note's CT5). On 16 evenly
// spaced slices: the residual after a 5x5 median filter (a median keeps
// anatomy edges and removes a ring one or two pixels wide), over uniform
// soft tissue only (3x3 mean in -150..200 HU, 5x5 local SD under 4 x the
// slice's median: anatomy edges would dominate otherwise), averaged in
// 1-pixel radial bins about the image centre (the reconstruction centre)
// in 8 angular sectors (a bin counts with a quarter of its arc and 8
// pixels of tissue). A ring lies at the same radius at every angle and in
// every slice; anatomy does not: the series profile is the median over
// slices and sectors (radii seen in at least half of them). Value: its
// largest absolute value (HU).
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"

namespace rwd::qc {
namespace {

constexpr int kMinRadius = 10;  // pixels: nearer the centre the sectors hold too few
constexpr int kSectors = 8;

// The radial profiles of one slice's high-pass residual, one per angular
// sector (kSectors x radii, NaN where a sector has too little uniform tissue
// at a radius). A ring is there at every angle; a thin anatomical layer at
// about the same radius (skin, fat under an elliptical outline) is not.
// `bins`: per pixel, sector * radii + radius (-1 outside), the same for
// every slice (RadiusSectorBins).
std::vector<std::vector<double>> RadialResiduals(const cv::Mat& m, int radii, const std::vector<int>& bins) {
  std::vector<std::vector<double>> profiles(kSectors, std::vector<double>(radii, std::nan("")));
  cv::Mat smooth, mean, sq, mean_sq, median;
  cv::blur(m, smooth, cv::Size(3, 3));
  cv::blur(m, mean, cv::Size(5, 5));
  cv::multiply(m, m, sq);
  cv::blur(sq, mean_sq, cv::Size(5, 5));
  cv::medianBlur(m, median, 5);
  cv::Mat var = mean_sq - mean.mul(mean);
  cv::Mat sd;
  cv::sqrt(cv::max(var, 0.0), sd);
  cv::Mat tissue;
  cv::inRange(smooth, -150.0, 200.0, tissue);
  std::vector<float> sds;
  for (int r = 0; r < m.rows; r += 2)
    for (int c = 0; c < m.cols; c += 2)
      if (tissue.at<uint8_t>(r, c)) sds.push_back(sd.at<float>(r, c));
  if (sds.size() < 200) return profiles;
  const float sd_limit = 4 * QuantileF(std::move(sds), 0.5);
  std::vector<double> sum(kSectors * radii, 0), n(kSectors * radii, 0);
  for (int r = 0; r < m.rows; ++r) {
    const float* p = m.ptr<float>(r);
    const float* md = median.ptr<float>(r);
    const uint8_t* t = tissue.ptr<uint8_t>(r);
    const float* s = sd.ptr<float>(r);
    const int* b = bins.data() + static_cast<size_t>(r) * m.cols;
    for (int c = 0; c < m.cols; ++c) {
      if (b[c] < 0 || !t[c] || s[c] > sd_limit) continue;
      sum[b[c]] += p[c] - md[c];
      n[b[c]] += 1;
    }
  }
  for (int sector = 0; sector < kSectors; ++sector)
    for (int k = kMinRadius; k < radii; ++k) {
      const size_t i = static_cast<size_t>(sector) * radii + k;
      if (n[i] >= std::max(8.0, 0.25 * 2 * std::numbers::pi * k / kSectors)) profiles[sector][k] = sum[i] / n[i];
    }
  return profiles;
}

// Per pixel: sector * radii + radius about the image centre, -1 beyond.
std::vector<int> RadiusSectorBins(int rows, int columns, int radii) {
  std::vector<int> bins(static_cast<size_t>(rows) * columns, -1);
  const double cy = (rows - 1) / 2.0, cx = (columns - 1) / 2.0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < columns; ++c) {
      const int k = static_cast<int>(std::lround(std::hypot(r - cy, c - cx)));
      if (k >= radii) continue;
      double a = std::atan2(r - cy, c - cx);
      if (a < 0) a += 2 * std::numbers::pi;
      const int sector = std::min(kSectors - 1, static_cast<int>(a / (2 * std::numbers::pi) * kSectors));
      bins[static_cast<size_t>(r) * columns + c] = sector * radii + k;
    }
  return bins;
}

}  // namespace

CheckResult CheckRing(const SeriesVolume& v, const Thresholds& t) {
  if (!IsCt(v)) return NotApplicable("ring", "not CT");
  if (v.voxels.empty()) return NotApplicable("ring", "no voxels");
  const int radii = std::min(v.rows, v.columns) / 2;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), 16);
  std::vector<std::vector<std::vector<double>>> residual(sample.size());
  const std::vector<int> bins = RadiusSectorBins(v.rows, v.columns, radii);
  ForEachSlice(sample.size(), [&](size_t k) { residual[k] = RadialResiduals(SliceMat(v, sample[k]), radii, bins); });
  double worst = 0;
  int radii_seen = 0;
  for (int k = kMinRadius; k < radii; ++k) {
    std::vector<double> at;
    for (const auto& slice : residual)
      for (const auto& sector : slice)
        if (!std::isnan(sector[k])) at.push_back(sector[k]);
    // Seen in at least half of the sectors x slices.
    if (at.empty() || at.size() * 2 < sample.size() * kSectors) continue;
    ++radii_seen;
    worst = std::max(worst, std::abs(Median(at)));
  }
  if (radii_seen < 10) return NotApplicable("ring", "too little uniform tissue around the centre");
  return Grade("ring", worst, t, "peak of the median radial profile of uniform tissue (high-pass)");
}

}  // namespace rwd::qc
