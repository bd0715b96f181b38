#include "qc/slice_profile.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "qc/foreground.h"

namespace rwd::qc {

SliceProfile ProfileSlices(const SeriesVolume& v) {
  const Foreground fg = ForegroundOf(v);
  const auto [dy, dx] = PixelSpacingMm(v);
  SliceProfile p;
  const size_t n = v.slices.size();
  p.area.assign(n, 0);
  p.cx.assign(n, 0);
  p.cy.assign(n, 0);
  // Large images: the mask at half resolution (area and centroid barely move).
  const int f = v.rows * v.columns > 300 * 300 ? 2 : 1;
  ForEachSlice(n, [&](size_t s) {
    cv::Mat mask = BodyMask(v, s, fg);
    if (f > 1) cv::resize(mask, mask, cv::Size(v.columns / f, v.rows / f), 0, 0, cv::INTER_NEAREST);
    // The convex hull of the body: lungs, ventricles, dark CSF, airways open
    // to the outside, ears and the parts of a face appear and disappear
    // along the stack and would move the centroid. Specks (< 1 % of the
    // largest outline) are left out.
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    if (contours.empty()) return;
    double largest = 0;
    for (const auto& c : contours) largest = std::max(largest, cv::contourArea(c));
    std::vector<cv::Point> points, hull;
    for (const auto& c : contours)
      if (cv::contourArea(c) >= 0.01 * largest) points.insert(points.end(), c.begin(), c.end());
    cv::convexHull(points, hull);
    const cv::Moments m = cv::moments(hull);
    if (m.m00 <= 0) return;
    p.area[s] = m.m00 * dx * dy * f * f;
    p.cx[s] = m.m10 / m.m00 * dx * f;
    p.cy[s] = m.m01 / m.m00 * dy * f;
  });
  p.max_area = n ? *std::max_element(p.area.begin(), p.area.end()) : 0;
  return p;
}

}  // namespace rwd::qc
