#include "anonymizer/pixel/ink_extent.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace rwd::anon::pixel {

cv::Rect GrowByInk(const cv::Mat& grey, const cv::Rect& box, int ink) {
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  const int h = std::max(box.height, 4);
  const cv::Rect window = cv::Rect(box.x - 3 * h, box.y - h / 2, box.width + 6 * h, box.height + h) & image;
  if (window.area() == 0 || ink < 0) return box;
  cv::Mat mask, labels, stats, centroids;
  cv::inRange(grey(window), cv::Scalar(std::max(0, ink - 1)), cv::Scalar(std::min(255, ink + 1)), mask);
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  // Glyph-sized blobs: a third to 1.4 line heights tall, at most three
  // letters wide, strokes filling part of their box.
  std::vector<cv::Rect> glyphs;
  for (int i = 1; i < n; ++i) {
    const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT) + window.x, stats.at<int>(i, cv::CC_STAT_TOP) + window.y,
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const double fill = static_cast<double>(stats.at<int>(i, cv::CC_STAT_AREA)) / r.area();
    if (r.height * 3 < h || r.height * 10 > h * 14 || r.width > 2 * h || fill > 0.9) continue;
    glyphs.push_back(r);
  }
  cv::Rect grown = box;
  for (bool more = true; more;) {
    more = false;
    for (const cv::Rect& g : glyphs) {
      if ((grown & g) == g) continue;
      // On the line's own rows (a glyph at least half inside them), within
      // a letter and a half of it.
      const int v_overlap = std::min(box.y + box.height, g.y + g.height) - std::max(box.y, g.y);
      const int h_gap = std::max(grown.x, g.x) - std::min(grown.x + grown.width, g.x + g.width);
      if (v_overlap * 2 < g.height || h_gap > h * 3 / 2) continue;
      grown |= g;
      more = true;
    }
  }
  return grown & window;
}

}  // namespace rwd::anon::pixel
