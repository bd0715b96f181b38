#include "qc/foreground.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "qc/robust_stats.h"
#include "qc/series_cache.h"

namespace rwd::qc {
namespace {

// Otsu's threshold of `values` over a 256-bin histogram between the 0.1 and
// 99.9 percentiles.
float OtsuThreshold(std::vector<float> values) {
  if (values.empty()) return 0;
  const float lo = QuantileF(values, 0.001), hi = QuantileF(values, 0.999);
  if (!(hi > lo)) return lo;
  constexpr int kBins = 256;
  std::vector<double> hist(kBins, 0);
  const double scale = kBins / (static_cast<double>(hi) - lo);
  for (float x : values) hist[std::clamp(static_cast<int>((x - lo) * scale), 0, kBins - 1)] += 1;
  double total = 0, sum = 0;
  for (int i = 0; i < kBins; ++i) {
    total += hist[i];
    sum += i * hist[i];
  }
  double w0 = 0, sum0 = 0, best = -1;
  int best_i = 0;
  for (int i = 0; i < kBins - 1; ++i) {
    w0 += hist[i];
    sum0 += i * hist[i];
    const double w1 = total - w0;
    if (w0 == 0 || w1 == 0) continue;
    const double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
    const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      best_i = i;
    }
  }
  return lo + static_cast<float>((best_i + 1) / scale);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool IsCt(const SeriesVolume& v) { return v.facts.modality == "CT"; }
bool IsMr(const SeriesVolume& v) { return v.facts.modality == "MR"; }
bool IsHead(const SeriesVolume& v) {
  const std::string b = Upper(v.facts.body_part);
  return b == "HEAD" || b == "BRAIN" || b == "SKULL";
}

cv::Mat SliceMat(const SeriesVolume& v, size_t s) {
  return cv::Mat(v.rows, v.columns, CV_32F, const_cast<float*>(v.slice(s).data()));
}

cv::Mat Smoothed(const SeriesVolume& v, size_t s, const Foreground& f) {
  cv::Mat m = SliceMat(v, s);
  if (f.box <= 1) return m;
  cv::Mat out;
  cv::blur(m, out, cv::Size(f.box, f.box), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  return out;
}

namespace {
cv::Mat ComputeBodyMask(const SeriesVolume& v, size_t s, const Foreground& f) {
  cv::Mat mask;
  cv::compare(Smoothed(v, s, f), f.threshold, mask, cv::CMP_GT);
  return mask;
}
}  // namespace

cv::Mat BodyMask(const SeriesVolume& v, size_t s, const Foreground& f) {
  const std::shared_ptr<SeriesCache> cache = f.box > 1 ? FindSeriesCache(v) : nullptr;  // unsmoothed masks are cheaper than a copy
  if (!cache || cache->foreground.threshold != f.threshold || cache->foreground.box != f.box)
    return ComputeBodyMask(v, s, f);
  std::call_once(cache->mask_once[s], [&] { cache->masks[s] = ComputeBodyMask(v, s, f); });
  return cache->masks[s];
}

cv::Mat ExternalAir(const cv::Mat& body_mask) {
  cv::Mat padded;
  cv::copyMakeBorder(body_mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::floodFill(padded, cv::Point(0, 0), cv::Scalar(128), nullptr, cv::Scalar(0), cv::Scalar(0), 4);
  cv::Mat air;
  cv::compare(padded(cv::Rect(1, 1, body_mask.cols, body_mask.rows)), 128, air, cv::CMP_EQ);
  return air;
}

namespace {
Foreground ComputeForeground(const SeriesVolume& v) {
  Foreground f;
  if (IsCt(v)) {
    f.threshold = -500;
    return f;
  }
  f.box = 5;
  std::vector<float> sample;
  const size_t step = std::max<size_t>(1, v.slice_size() / 8192);
  for (size_t s : SampleSlices(v.slices.size(), 32)) {
    const cv::Mat m = Smoothed(v, s, f);
    const float* p = m.ptr<float>();
    for (size_t i = 0; i < v.slice_size(); i += step) sample.push_back(p[i]);
  }
  f.threshold = OtsuThreshold(std::move(sample));
  return f;
}
}  // namespace

Foreground ForegroundOf(const SeriesVolume& v) {
  const std::shared_ptr<SeriesCache> cache = FindSeriesCache(v);
  if (!cache) return ComputeForeground(v);
  std::call_once(cache->foreground_once, [&] { cache->foreground = ComputeForeground(v); });
  return cache->foreground;
}

std::optional<double> PixelZ(const SliceGeometry& g, int r, int c) {
  if (!g.position || !g.orientation) return std::nullopt;
  const auto [dy, dx] = g.pixel_spacing ? std::pair{(*g.pixel_spacing)[0], (*g.pixel_spacing)[1]}
                                        : std::pair{1.0, 1.0};
  return (*g.position)[2] + c * dx * (*g.orientation)[2] + r * dy * (*g.orientation)[5];
}

namespace {
std::optional<double> ComputeCraniumFloorZ(const SeriesVolume& v, const Foreground& f) {
  std::vector<double> top(v.slices.size(), -1e300);
  bool geometry = true;
  for (const SliceGeometry& g : v.slices) geometry = geometry && g.position && g.orientation;
  if (!geometry) return std::nullopt;
  ForEachSlice(v.slices.size(), [&](size_t s) {
    const cv::Rect b = cv::boundingRect(BodyMask(v, s, f));
    if (b.area() == 0) return;
    for (int r : {b.y, b.y + b.height - 1})
      for (int c : {b.x, b.x + b.width - 1}) top[s] = std::max(top[s], *PixelZ(v.slices[s], r, c));
  });
  const double highest = *std::max_element(top.begin(), top.end());
  if (highest < -1e299) return std::nullopt;
  return highest - kCraniumMm;
}
}  // namespace

std::optional<double> CraniumFloorZ(const SeriesVolume& v, const Foreground& f) {
  if (!IsHead(v) || v.voxels.empty()) return std::nullopt;
  const std::shared_ptr<SeriesCache> cache = FindSeriesCache(v);
  if (!cache) return ComputeCraniumFloorZ(v, f);
  std::call_once(cache->floor_once, [&] { cache->cranium_floor = ComputeCraniumFloorZ(v, f); });
  return cache->cranium_floor;
}

std::vector<size_t> SampleSlices(size_t n, size_t k) {
  std::vector<size_t> out;
  if (n <= k) {
    for (size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (size_t i = 0; i < k; ++i) out.push_back((2 * i + 1) * n / (2 * k));
  return out;
}

std::pair<double, double> PixelSpacingMm(const SeriesVolume& v) {
  if (v.slices.empty() || !v.slices.front().pixel_spacing) return {1.0, 1.0};
  const auto& p = *v.slices.front().pixel_spacing;
  return {p[0] > 0 ? p[0] : 1.0, p[1] > 0 ? p[1] : 1.0};
}

}  // namespace rwd::qc
