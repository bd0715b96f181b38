#include "anonymizer/pixel/ink_extent.h"

#include <algorithm>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace rwd::anon::pixel {
namespace {

// How far a line may grow: kGrowRounds times three line heights each side.
constexpr int kGrowRounds = 6;
// A glyph shorter than this is not legible (the detector's least height
// is 6); specks of a contour that size stand on any line.
constexpr int kLeastGlyph = 5;

// The connected blobs of level `ink` (+-`tolerance`) in `window` of
// `grey`, in image coordinates, with the fraction of their box they fill.
struct Blob {
  cv::Rect box;
  double fill = 0;
};
std::vector<Blob> InkBlobs(const cv::Mat& grey, const cv::Rect& window, int ink, int tolerance) {
  std::vector<Blob> blobs;
  if (window.area() == 0 || ink < 0) return blobs;
  cv::Mat mask, labels, stats, centroids;
  cv::inRange(grey(window), cv::Scalar(std::max(0, ink - tolerance)), cv::Scalar(std::min(255, ink + tolerance)), mask);
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  for (int i = 1; i < n; ++i) {
    const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT) + window.x, stats.at<int>(i, cv::CC_STAT_TOP) + window.y,
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    blobs.push_back({r, static_cast<double>(stats.at<int>(i, cv::CC_STAT_AREA)) / r.area()});
  }
  return blobs;
}

// Glyph-sized blobs of `ink` (+-1) in `window`, for lines `h` pixels high:
// a third to 1.4 line heights tall, strokes filling part of their box, at
// most three letters wide, or a word of touching bold letters (wider,
// strokes filling at most 88 % of it).
std::vector<cv::Rect> GlyphBlobs(const cv::Mat& grey, const cv::Rect& window, int ink, int h) {
  std::vector<cv::Rect> glyphs;
  for (const Blob& b : InkBlobs(grey, window, ink, 1)) {
    const cv::Rect& r = b.box;
    if (r.height * 3 < h || r.height * 10 > h * 14 || b.fill > 0.9) continue;
    if (r.width > 2 * h && (r.width > 8 * h || b.fill > 0.88)) continue;
    glyphs.push_back(r);
  }
  return glyphs;
}

int VerticalOverlap(const cv::Rect& a, const cv::Rect& b) {
  return std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
}
int HorizontalGap(const cv::Rect& a, const cv::Rect& b) {
  return std::max(a.x, b.x) - std::min(a.x + a.width, b.x + b.width);
}

// Blobs on one row: overlapping vertically by half the smaller, heights
// within a factor of two, at most a letter and a half apart (`h`, or the
// taller of the two when 0). Each row with its blobs and letters (a blob of
// touching letters counts for as many as it is wide).
struct Row {
  cv::Rect box;
  int blobs = 0, letters = 0;
  std::vector<cv::Rect> members;
};
std::vector<Row> JoinRows(std::vector<cv::Rect> blobs, int h) {
  std::sort(blobs.begin(), blobs.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  std::vector<int> parent(blobs.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (size_t i = 0; i < blobs.size(); ++i)
    for (size_t j = i + 1; j < blobs.size(); ++j) {
      const cv::Rect &a = blobs[i], &b = blobs[j];
      const int reach = (h > 0 ? h : std::max(a.height, b.height)) * 3 / 2;
      if (b.x - (a.x + a.width) > reach) break;  // sorted by x: later ones are farther
      if (VerticalOverlap(a, b) * 2 >= std::min(a.height, b.height) && a.height * 2 >= b.height &&
          b.height * 2 >= a.height && HorizontalGap(a, b) <= reach)
        parent[find(static_cast<int>(i))] = find(static_cast<int>(j));
    }
  std::vector<Row> by_root(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    Row& r = by_root[find(static_cast<int>(i))];
    r.box = r.blobs++ == 0 ? blobs[i] : (r.box | blobs[i]);
    r.members.push_back(blobs[i]);
    r.letters += std::max(1, blobs[i].width * 3 / (2 * (h > 0 ? h : blobs[i].height)));
  }
  std::vector<Row> rows;
  for (const Row& r : by_root)
    if (r.blobs > 0) rows.push_back(r);
  return rows;
}

// The glyphs (of a line `h` high) that stand on their median baseline
// (+-2 pixels) with about their median height (0.75 to 1.3 of it).
BaselineCount OnBaseline(const std::vector<cv::Rect>& glyphs, int h) {
  BaselineCount n;
  if (glyphs.size() < 3) return n;
  std::vector<int> bottoms, heights;
  for (const cv::Rect& g : glyphs) bottoms.push_back(g.y + g.height), heights.push_back(g.height);
  std::nth_element(bottoms.begin(), bottoms.begin() + bottoms.size() / 2, bottoms.end());
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const int baseline = bottoms[bottoms.size() / 2], height = heights[heights.size() / 2];
  for (const cv::Rect& g : glyphs)
    if (g.height >= kLeastGlyph && std::abs(g.y + g.height - baseline) <= 2 && g.height * 4 >= height * 3 &&
        g.height * 10 <= height * 13) {
      n.glyphs += g.width <= 2 * h;
      n.letters += std::max(1, g.width * 3 / (2 * height));
    }
  return n;
}

}  // namespace

cv::Rect GrowByInk(const cv::Mat& grey, const cv::Rect& box, int ink) {
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  const int h = std::max(box.height, 4);
  cv::Rect grown = box;
  // Three line heights on either side at a time, while the line goes on.
  for (int round = 0; round < kGrowRounds; ++round) {
    // Only a quarter line height above and below: strokes that touch
    // anatomy of the same level are cut there, not lost as one tall blob.
    const cv::Rect window =
        cv::Rect(grown.x - 3 * h, box.y - h / 4, grown.width + 6 * h, box.height + h / 2) & image;
    if (window.area() == 0 || ink < 0) return box;
    const cv::Rect before = grown;
    const std::vector<cv::Rect> glyphs = GlyphBlobs(grey, window, ink, h);
    for (bool more = true; more;) {
      more = false;
      for (const cv::Rect& g : glyphs) {
        if ((grown & g) == g) continue;
        // On the line's own rows (a glyph at least half inside them), within
        // a letter and a half of it.
        if (VerticalOverlap(box, g) * 2 < g.height || HorizontalGap(grown, g) > h * 3 / 2) continue;
        grown |= g;
        more = true;
      }
    }
    grown &= window;
    if (grown == before) break;
  }
  return grown;
}

std::vector<cv::Rect> LabelLinesByInk(const cv::Mat& grey, const cv::Rect& line, int ink) {
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  const int h = std::max(line.height, 4);
  const cv::Rect window = cv::Rect(line.x - 6 * h, line.y - 2 * h, line.width + 12 * h, line.height + 4 * h) & image;
  std::vector<cv::Rect> glyphs;
  for (const cv::Rect& g : GlyphBlobs(grey, window, ink, h))
    if (VerticalOverlap(line, g) * 2 < g.height) glyphs.push_back(g);  // not the line's own glyphs
  // Glyphs on one row a letter and a half apart or closer form a line.
  std::vector<cv::Rect> out;
  for (const Row& row : JoinRows(std::move(glyphs), h)) {
    const cv::Rect& r = row.box;
    if (row.letters < 3 || r.width < 2 * r.height || r.height * 10 > h * 16) continue;
    const int gap = std::max(r.y, line.y) - std::min(r.y + r.height, line.y + line.height);
    const bool overlaps = HorizontalGap(r, line) < 0;
    const bool aligned = std::abs(r.x - line.x) <= 2 * h;
    if (gap <= h && (overlaps || aligned)) out.push_back(r);
  }
  return out;
}

BaselineCount BaselineGlyphs(const cv::Mat& grey, const cv::Rect& box, int ink) {
  const int h = std::max(box.height, 4);
  return OnBaseline(GlyphBlobs(grey, GrowByInk(grey, box, ink), ink, h), h);
}

std::vector<GlyphRow> InkLines(const cv::Mat& grey, int ink, int tolerance, cv::Rect window) {
  std::vector<cv::Rect> blobs;
  for (const Blob& b : InkBlobs(grey, window & cv::Rect(0, 0, grey.cols, grey.rows), ink, tolerance))
    if (b.box.height >= 6 && b.box.height <= 40 && b.box.width <= 2 * b.box.height && b.fill <= 0.9)
      blobs.push_back(b.box);
  if (blobs.size() < 5) return {};
  std::vector<GlyphRow> out;
  for (const Row& row : JoinRows(std::move(blobs), 0)) {
    if (row.blobs < 5 || row.box.width < 3 * row.box.height) continue;
    const int glyphs = OnBaseline(row.members, row.box.height).glyphs;
    if (glyphs >= 5) out.push_back({row.box, glyphs});
  }
  return out;
}

std::vector<cv::Rect> InkBands(const cv::Mat& grey, const cv::Rect& box, int ink) {
  const cv::Rect b = box & cv::Rect(0, 0, grey.cols, grey.rows);
  if (b.area() == 0 || ink < 0) return {};
  cv::Mat mask;
  cv::inRange(grey(b), cv::Scalar(std::max(0, ink - 1)), cv::Scalar(std::min(255, ink + 1)), mask);
  // Thin bands (accents, a stray stroke) are not lines.
  const int least = std::max(5, b.height / 6);
  std::vector<cv::Rect> bands;
  int start = -1;
  for (int y = 0; y <= b.height; ++y) {
    const bool inked = y < b.height && cv::countNonZero(mask.row(y)) >= 2;
    if (inked && start < 0) start = y;
    if (!inked && start >= 0) {
      if (y - start >= least) bands.emplace_back(b.x, b.y + start, b.width, y - start);
      start = -1;
    }
  }
  if (bands.size() < 2) return {};
  return bands;
}

}  // namespace rwd::anon::pixel
