// z_coverage: for head protocols (BodyPartExamined HEAD, BRAIN, SKULL), the
// head cut by the first or last slice: the research note's C1 (mask area in
// the first/last slice / the largest slice area; head: vertex). Value: the
// larger end fraction over the ends that count: every end whose outward
// normal does not point to the feet (the inferior end of a head scan goes on
// into the neck); in an end slice only the cranium counts (foreground.h:
// the top 120 mm of the head). n.a. for other body parts, and for series
// shorter than 100 mm along the normal: slabs, partial by design (a whole
// head is 150-230 mm in every direction).
#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "qc/checks.h"
#include "qc/foreground.h"
#include "qc/slice_stack.h"

namespace rwd::qc {
namespace {

constexpr double kMinExtentMm = 100;

double CraniumArea(const SeriesVolume& v, size_t s, const Foreground& fg, const std::optional<double>& floor) {
  const cv::Mat mask = BodyMask(v, s, fg);
  if (!floor) return cv::countNonZero(mask);
  double n = 0;
  for (int r = 0; r < mask.rows; ++r) {
    const uint8_t* p = mask.ptr<uint8_t>(r);
    for (int c = 0; c < mask.cols; ++c)
      if (p[c] && PixelZ(v.slices[s], r, c).value_or(*floor) >= *floor) ++n;
  }
  return n;
}

}  // namespace

CheckResult CheckZCoverage(const SeriesVolume& v, const Thresholds& t) {
  if (!IsHead(v)) return NotApplicable("z_coverage", "not a head protocol (BodyPartExamined)");
  if (v.voxels.empty()) return NotApplicable("z_coverage", "no voxels");
  if (v.slices.size() < 3) return NotApplicable("z_coverage", "fewer than 3 slices");
  const SliceStack s = AnalyzeStack(v);
  if (s.has_geometry && s.distance.back() - s.distance.front() < kMinExtentMm)
    return NotApplicable("z_coverage", "slab (under 100 mm): partial coverage by design");
  const Foreground fg = ForegroundOf(v);
  std::vector<double> area(v.slices.size(), 0);
  ForEachSlice(v.slices.size(), [&](size_t s) { area[s] = cv::countNonZero(BodyMask(v, s, fg)); });
  const double max_area = *std::max_element(area.begin(), area.end());
  if (max_area <= 0) return NotApplicable("z_coverage", "no head in the images");
  const std::optional<double> floor = CraniumFloorZ(v, fg);
  // Slices are in volume order (ascending along the normal when positioned).
  const double normal_z = s.has_geometry ? s.normal[2] : 0.0;  // . (0,0,1), superior in LPS
  double value = 0;
  if (-normal_z >= -0.7) value = std::max(value, CraniumArea(v, 0, fg, floor) / max_area);  // outward -n
  if (normal_z >= -0.7) value = std::max(value, CraniumArea(v, v.slices.size() - 1, fg, floor) / max_area);
  return Grade("z_coverage", value, t);
}

}  // namespace rwd::qc
