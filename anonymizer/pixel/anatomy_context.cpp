#include "anonymizer/pixel/anatomy_context.h"

#include <algorithm>
#include <cstdlib>
#include <opencv2/imgproc.hpp>

#include "core/strings.h"

namespace rwd::anon::pixel {

bool AnatomyMayLookLikeText(const HeaderValue& header) {
  constexpr Tag kBurnedInAnnotation{0x0028, 0x0301};
  if (!header) return false;
  const std::string modality = AsciiUpper(TrimValue(header(Tag{0x0008, 0x0060}).value_or("")));
  const std::string flag = AsciiUpper(TrimValue(header(kBurnedInAnnotation).value_or("")));
  return (modality == "CT" || modality == "MR") && flag != "YES";
}

bool OverAnatomy(const cv::Mat& grey, const cv::Rect& box, int background) {
  const int pad = std::max(box.height, 6);
  // A label-sized line (at most half the width) within a line height of the
  // image's edge: where labels sit, not inside.
  const bool at_edge =
      box.x < pad || box.y < pad || box.x + box.width > grey.cols - pad || box.y + box.height > grey.rows - pad;
  if (at_edge && box.width * 2 <= grey.cols) return false;
  const cv::Rect outer =
      cv::Rect(box.x - pad, box.y - pad, box.width + 2 * pad, box.height + 2 * pad) & cv::Rect(0, 0, grey.cols, grey.rows);
  int total = 0, body = 0;
  for (int y = outer.y; y < outer.y + outer.height; ++y) {
    const uint8_t* row = grey.ptr<uint8_t>(y);
    for (int x = outer.x; x < outer.x + outer.width; ++x) {
      if (box.contains(cv::Point(x, y))) continue;
      ++total;
      body += row[x] > background;
    }
  }
  return total > 0 && body * 2 >= total;
}

namespace {

// The grey-level histogram of `box`, and the level most of its brightest
// (light polarity) or darkest tenth share; `near`/`taken`: how many of that
// tenth are within +-1 of it.
int TenthMode(const cv::Mat& grey, const cv::Rect& box, Polarity polarity, int* near, int* taken, int* want) {
  int hist[256] = {0};
  for (int y = box.y; y < box.y + box.height; ++y)
    for (int x = box.x; x < box.x + box.width; ++x) ++hist[grey.at<uint8_t>(y, x)];
  const bool light = polarity != Polarity::kDark;
  *want = std::max(4, box.area() / 10);
  *taken = 0;
  int mode = light ? 255 : 0, mode_count = 0;
  for (int i = 0; i < 256 && *taken < *want; ++i) {
    const int v = light ? 255 - i : i;
    *taken += hist[v];
    if (hist[v] > mode_count) mode_count = hist[v], mode = v;
  }
  *near = 0;
  for (int v = std::max(0, mode - 1); v <= std::min(255, mode + 1); ++v) *near += hist[v];
  return mode;
}

}  // namespace

int InkLevel(const cv::Mat& grey, const cv::Rect& region, Polarity polarity) {
  const cv::Rect box = region & cv::Rect(0, 0, grey.cols, grey.rows);
  if (box.area() == 0) return polarity == Polarity::kDark ? 0 : 255;
  int near = 0, taken = 0, want = 0;
  return TenthMode(grey, box, polarity, &near, &taken, &want);
}

bool OwnInk(const cv::Mat& grey, const cv::Rect& region, Polarity polarity, int ink) {
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  const cv::Rect box = region & image;
  if (box.area() < 16) return false;
  int near_mode = 0, taken = 0, want = 0;
  int mode = TenthMode(grey, box, polarity, &near_mode, &taken, &want);
  if (ink >= 0) {
    mode = ink;
    near_mode = 0;
    for (int y = box.y; y < box.y + box.height; ++y)
      for (int x = box.x; x < box.x + box.width; ++x) near_mode += std::abs(grey.at<uint8_t>(y, x) - ink) <= 1;
    if (near_mode * 20 < box.area()) return false;
  } else if (near_mode * 2 < std::min(taken, want)) {
    return false;  // half
  }
  const int pad = std::max(box.height / 2, 4);
  const cv::Rect outer = cv::Rect(box.x - pad, box.y - pad, box.width + 2 * pad, box.height + 2 * pad) & image;
  int ring = 0, same = 0;
  for (int y = outer.y; y < outer.y + outer.height; ++y)
    for (int x = outer.x; x < outer.x + outer.width; ++x) {
      if (box.contains(cv::Point(x, y))) continue;
      ++ring;
      same += std::abs(grey.at<uint8_t>(y, x) - mode) <= 1;
    }
  return ring > 0 && same * 10 < ring;
}

int BackgroundLevel(const cv::Mat& grey) {
  cv::Mat binary;
  const double otsu = cv::threshold(grey, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return std::max(8, static_cast<int>(otsu / 2));
}

}  // namespace rwd::anon::pixel
