// fov_truncation: the body cut by the field of view: body voxels touching
// the image border or, in CT, the reconstruction circle (the research note's
// C2; the body is foreground.h's). Per slice: the fraction of the boundary
// samples that are body (CT: 5x5 means in the border band and 3x3 means just
// inside the circle above -500 HU; others: the largest connected part of the
// smoothed mask, two pixels inside the border, so that ghosts and
// wrap-around copies are not a body). The series value is the 95th
// percentile over slices: C2 proposes a warning at 2 % of the boundary on
// more than 5 % of the slices; the clean ch2 series reach 1.4 %, so the
// default warns at 5 % (qc/README.md).
// Sides facing the patient's feet, and for non-head series also the head,
// are not counted: a body or a neck leaving a sagittal or coronal FOV there
// is how such series are acquired. In head protocols only the cranium
// counts (foreground.h: the top 120 mm of the head): the neck and shoulders
// below it leave most head FOVs.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/robust_stats.h"

namespace rwd::qc {
namespace {

constexpr int kBand = 5;
constexpr float kOutsideCircleHu = -1500;  // below any air: padding outside the reconstruction circle

// Counts body samples along one side band (5 deep, 5-wide mean); sample i
// lies at (row, column) = at(i) and counts when counted(row, column).
template <typename At, typename Counted>
void SideContact(const cv::Mat& band, bool horizontal, float threshold, At at, Counted counted, int& body,
                 int& total) {
  cv::Mat line, mean;
  cv::reduce(band, line, horizontal ? 0 : 1, cv::REDUCE_AVG, CV_32F);
  cv::blur(line, mean, horizontal ? cv::Size(kBand, 1) : cv::Size(1, kBand), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  const float* p = mean.ptr<float>();
  for (int i = 0; i < static_cast<int>(mean.total()); ++i) {
    const auto [r, c] = at(i);
    if (!counted(r, c)) continue;
    ++total;
    body += p[i] > threshold;
  }
}

// Not CT: the body is the largest connected part of the (smoothed) mask, so
// that ghosts and wrap-around copies at the border are not taken for a
// body cut by the FOV. Samples: the mask two pixels inside each side.
template <typename Counted>
std::pair<int, int> LargestBodyContact(const cv::Mat& mask, const bool count[4], Counted counted) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  int largest = 0, largest_area = 0;
  for (int i = 1; i < n; ++i)
    if (stats.at<int>(i, cv::CC_STAT_AREA) > largest_area) {
      largest_area = stats.at<int>(i, cv::CC_STAT_AREA);
      largest = i;
    }
  int body = 0, total = 0;
  auto sample = [&](int r, int c) {
    if (!counted(r, c)) return;
    ++total;
    body += largest > 0 && labels.at<int>(r, c) == largest;
  };
  const int d = 2;
  if (count[0]) for (int c = 0; c < mask.cols; ++c) sample(d, c);
  if (count[1]) for (int c = 0; c < mask.cols; ++c) sample(mask.rows - 1 - d, c);
  if (count[2]) for (int r = 0; r < mask.rows; ++r) sample(r, d);
  if (count[3]) for (int r = 0; r < mask.rows; ++r) sample(r, mask.cols - 1 - d);
  return {body, total};
}

struct Circle {
  bool present = false;
  double cx = 0, cy = 0, radius = 0;
};

// CT: the reconstruction circle, when the corners hold padding.
Circle FindCircle(const cv::Mat& m, const SeriesVolume& v) {
  Circle c;
  auto padding = [&](float x) {
    return x <= kOutsideCircleHu || (v.facts.pixel_padding_value && x == *v.facts.pixel_padding_value);
  };
  const int r1 = m.rows - 1, c1 = m.cols - 1;
  if (!(padding(m.at<float>(0, 0)) && padding(m.at<float>(0, c1)) && padding(m.at<float>(r1, 0)) &&
        padding(m.at<float>(r1, c1))))
    return c;
  c.cx = c1 / 2.0;
  c.cy = r1 / 2.0;
  std::vector<double> radii;
  for (int k = 0; k < 16; ++k) {
    const double a = k * std::numbers::pi / 8, ca = std::cos(a), sa = std::sin(a);
    for (double r = 1; r < std::hypot(c.cx, c.cy); r += 1) {
      const int x = static_cast<int>(std::lround(c.cx + r * ca));
      const int y = static_cast<int>(std::lround(c.cy + r * sa));
      if (x < 0 || y < 0 || x > c1 || y > r1) break;
      if (padding(m.at<float>(y, x))) {
        radii.push_back(r);
        break;
      }
    }
  }
  if (radii.size() < 8) return c;
  c.radius = Median(radii);
  c.present = c.radius > 10;
  return c;
}

// Sample points 3 pixels inside the circle (computed once per series).
std::vector<cv::Point> CircleSamples(const Circle& c, int rows, int cols) {
  constexpr int kSamples = 720;
  std::vector<cv::Point> points;
  const double r = c.radius - 3;
  for (int k = 0; k < kSamples; ++k) {
    const double a = 2 * std::numbers::pi * k / kSamples;
    const int x = static_cast<int>(std::lround(c.cx + r * std::cos(a)));
    const int y = static_cast<int>(std::lround(c.cy + r * std::sin(a)));
    if (x >= 1 && y >= 1 && x < cols - 1 && y < rows - 1) points.emplace_back(x, y);
  }
  return points;
}

template <typename Counted>
double CircleContact(const cv::Mat& m, const std::vector<cv::Point>& points, float threshold, Counted counted) {
  int body = 0, total = 0;
  for (const cv::Point& pt : points) {
    if (!counted(pt.y, pt.x)) continue;
    ++total;
    float sum = 0;
    for (int dy = -1; dy <= 1; ++dy) {
      const float* p = m.ptr<float>(pt.y + dy) + pt.x;
      sum += p[-1] + p[0] + p[1];
    }
    body += sum / 9 > threshold;
  }
  return total ? static_cast<double>(body) / total : 0.0;
}

}  // namespace

CheckResult CheckFovTruncation(const SeriesVolume& v, const Thresholds& t) {
  if (v.voxels.empty()) return NotApplicable("fov_truncation", "no voxels");
  if (v.rows < 2 * kBand || v.columns < 2 * kBand) return NotApplicable("fov_truncation", "image too small");
  const Foreground fg = ForegroundOf(v);
  const bool head = IsHead(v);
  const std::optional<double> floor = CraniumFloorZ(v, fg);
  // CT: the reconstruction circle, found on the middle slice (one FOV per series).
  std::vector<cv::Point> circle;
  if (IsCt(v))
    if (const Circle c = FindCircle(SliceMat(v, v.slices.size() / 2), v); c.present)
      circle = CircleSamples(c, v.rows, v.columns);
  std::vector<double> per_slice(v.slices.size(), 0.0);
  ForEachSlice(v.slices.size(), [&](size_t s) {
    const cv::Mat m = SliceMat(v, s);
    // Which sides count: outward directions -c (top), +c (bottom), -r (left), +r (right).
    bool count[4] = {true, true, true, true};
    if (const auto& o = v.slices[s].orientation) {
      const double outward_z[4] = {-(*o)[5], (*o)[5], -(*o)[2], (*o)[2]};  // . (0,0,1), superior in LPS
      for (int k = 0; k < 4; ++k)
        if (outward_z[k] < -0.7 || (!head && outward_z[k] > 0.7)) count[k] = false;
    }
    auto counted = [&](int r, int c) {
      if (!floor) return true;
      const auto z = PixelZ(v.slices[s], r, c);
      return !z || *z >= *floor;
    };
    int body = 0, total = 0;
    if (IsCt(v)) {
      const int d = kBand / 2, rows = m.rows, cols = m.cols;
      if (count[0])
        SideContact(m(cv::Rect(0, 0, cols, kBand)), true, fg.threshold, [&](int i) { return std::pair{d, i}; },
                    counted, body, total);
      if (count[1])
        SideContact(m(cv::Rect(0, rows - kBand, cols, kBand)), true, fg.threshold,
                    [&](int i) { return std::pair{rows - 1 - d, i}; }, counted, body, total);
      if (count[2])
        SideContact(m(cv::Rect(0, 0, kBand, rows)), false, fg.threshold, [&](int i) { return std::pair{i, d}; },
                    counted, body, total);
      if (count[3])
        SideContact(m(cv::Rect(cols - kBand, 0, kBand, rows)), false, fg.threshold,
                    [&](int i) { return std::pair{i, cols - 1 - d}; }, counted, body, total);
    } else {
      std::tie(body, total) = LargestBodyContact(BodyMask(v, s, fg), count, counted);
    }
    double contact = total ? static_cast<double>(body) / total : 0.0;
    if (!circle.empty()) contact = std::max(contact, CircleContact(m, circle, fg.threshold, counted));
    per_slice[s] = contact;
  });
  return Grade("fov_truncation", Quantile(per_slice, 0.95), t, "95th percentile over slices");
}

}  // namespace rwd::qc
