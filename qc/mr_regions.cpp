#include "qc/mr_regions.h"

#include <opencv2/imgproc.hpp>

#include <mutex>

#include "qc/foreground.h"

namespace rwd::qc {

MrRegions CollectMrRegions(const SeriesVolume& v, size_t max_slices) {
  const Foreground fg = ForegroundOf(v);
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(21, 21));
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
  return out;
}

}  // namespace rwd::qc
