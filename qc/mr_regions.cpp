#include "qc/mr_regions.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "qc/foreground.h"
#include "qc/series_cache.h"

namespace rwd::qc {

namespace {
MrRegions Collect(const SeriesVolume& v, size_t max_slices) {
  const Foreground fg = ForegroundOf(v);
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(21, 21));
  MrRegions out;
  size_t zeros = 0;
  std::mutex mu;
  const std::vector<size_t> sample = SampleSlices(v.slices.size(), max_slices);
  ForEachSlice(sample.size(), [&](size_t k) {
    const cv::Mat m = SliceMat(v, sample[k]);
    const cv::Mat body = BodyMask(v, sample[k], fg);
    cv::Mat near;
    cv::dilate(body, near, kernel);
    const cv::Mat external = ExternalAir(body);
    std::vector<float> head, air;
    size_t z = 0;
    for (int r = 0; r < m.rows; ++r) {
      const float* p = m.ptr<float>(r);
      const uint8_t* b = body.ptr<uint8_t>(r);
      const uint8_t* n = near.ptr<uint8_t>(r);
      const uint8_t* e = external.ptr<uint8_t>(r);
      const bool edge_row = r < 3 || r >= m.rows - 3;
      for (int c = 0; c < m.cols; ++c) {
        if (b[c]) head.push_back(p[c]);
        else if (!n[c] && e[c] && !edge_row && c >= 3 && c < m.cols - 3) {
          air.push_back(p[c]);
          z += p[c] == 0.0f;
        }
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    out.head.insert(out.head.end(), head.begin(), head.end());
    out.air.insert(out.air.end(), air.begin(), air.end());
    zeros += z;
  });
  out.air_zero_fraction = out.air.empty() ? 1.0 : static_cast<double>(zeros) / out.air.size();
  if (!out.head.empty()) {
    std::vector<float> h = out.head;
    auto at = [&](double q) {
      const auto k = static_cast<long>(q * static_cast<double>(h.size() - 1));
      std::nth_element(h.begin(), h.begin() + k, h.end());
      return static_cast<double>(h[k]);
    };
    out.head_median = at(0.5);
    out.head_q20 = at(0.2);
    out.head_q80 = at(0.8);
  }
  if (!out.air.empty()) {
    std::vector<float> a = out.air;
    const size_t k = a.size() / 2;
    std::nth_element(a.begin(), a.begin() + static_cast<long>(k), a.end());
    out.air_median = a[k];
    for (float& x : a) x = std::abs(x - static_cast<float>(out.air_median));
    std::nth_element(a.begin(), a.begin() + static_cast<long>(k), a.end());
    out.air_mad = a[k];
  }
  return out;
}
}  // namespace

const MrRegions& CollectMrRegions(const SeriesVolume& v, MrRegions& storage) {
  const std::shared_ptr<SeriesCache> cache = FindSeriesCache(v);
  if (!cache) {
    storage = Collect(v, kMrRegionSlices);
    return storage;
  }
  std::call_once(cache->regions_once, [&] { cache->regions = Collect(v, kMrRegionSlices); });
  return cache->regions;
}

}  // namespace rwd::qc
