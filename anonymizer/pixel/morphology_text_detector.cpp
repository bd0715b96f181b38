#include "anonymizer/pixel/morphology_text_detector.h"

#include <algorithm>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace rwd::anon::pixel {
namespace {

struct Blob {
  cv::Rect box;
  int area;
  int label;
};

// Union-find over blob indices.
struct Groups {
  std::vector<int> parent;
  explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int i) { return parent[i] == i ? i : parent[i] = Find(parent[i]); }
  void Join(int a, int b) { parent[Find(a)] = Find(b); }
};

// Pixels of `labels` inside `r` (clipped) whose label is set and not in `own`.
int ForeignPixels(const cv::Mat& labels, cv::Rect r, const std::vector<char>& own) {
  r &= cv::Rect(0, 0, labels.cols, labels.rows);
  int n = 0;
  for (int y = r.y; y < r.y + r.height; ++y) {
    const int* row = labels.ptr<int>(y);
    for (int x = r.x; x < r.x + r.width; ++x) n += row[x] != 0 && !own[row[x]];
  }
  return n;
}

// Text lines among the blobs of one stroke mask (one polarity).
void FindLines(const cv::Mat& mask, const MorphologyTextOptions& o, std::vector<TextCandidate>* out) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  std::vector<Blob> blobs;
  for (int i = 1; i < n; ++i) {
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    // Glyph-sized: small parts (dots, hyphens) ride along in the line box;
    // a word of touching letters is one long blob.
    if (box.height < o.min_glyph_height || box.height > o.max_glyph_height) continue;
    if (box.width > 20 * box.height || area < 3 * box.height / 2) continue;
    blobs.push_back({box, area, i});
  }
  std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.box.x < b.box.x; });

  // Link neighbours on one baseline: similar height, overlapping vertically,
  // separated by at most about a letter.
  Groups groups(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    const cv::Rect& a = blobs[i].box;
    for (size_t j = i + 1; j < blobs.size(); ++j) {
      const cv::Rect& b = blobs[j].box;
      const int hi = std::max(a.height, b.height), lo = std::min(a.height, b.height);
      if (b.x > a.x + a.width + hi * 6 / 5 + 2) {
        if (b.x > a.x + a.width + o.max_glyph_height) break;
        continue;
      }
      if (hi * 5 > lo * 11) continue;  // height ratio > 2.2
      const int overlap = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
      if (overlap * 2 < lo) continue;
      groups.Join(static_cast<int>(i), static_cast<int>(j));
    }
  }
  struct Line {
    cv::Rect box;
    std::vector<int> members;
    int area = 0;
  };
  std::vector<Line> lines;
  std::vector<int> line_of(blobs.size(), -1);
  for (size_t i = 0; i < blobs.size(); ++i) {
    const int root = groups.Find(static_cast<int>(i));
    if (line_of[root] < 0) {
      line_of[root] = static_cast<int>(lines.size());
      lines.push_back({blobs[i].box, {}, 0});
    }
    Line& l = lines[line_of[root]];
    l.box |= blobs[i].box;
    l.members.push_back(static_cast<int>(i));
    l.area += blobs[i].area;
  }

  std::vector<char> own(static_cast<size_t>(n), 0);
  std::vector<int> bottoms, heights;
  for (const Line& l : lines) {
    const int h = l.box.height, w = l.box.width;
    const int glyphs = static_cast<int>(l.members.size());
    if (h < o.min_glyph_height || h > o.max_glyph_height * 13 / 10) continue;
    if (glyphs < 3 ? w < 3 * h : w < 2 * h) continue;
    // Glyphs of text share a height and a baseline: most are as tall as the
    // line (capitals, digits, ascenders) and end on the same row.
    bottoms.clear();
    heights.clear();
    double extent = 0;
    for (int m : l.members) {
      const cv::Rect& g = blobs[m].box;
      if (g.height * 10 < h * 6) continue;
      bottoms.push_back(g.y + g.height);
      heights.push_back(g.height);
      extent += static_cast<double>(blobs[m].area) / (static_cast<double>(g.width) * g.height);
    }
    const int tall = static_cast<int>(heights.size());
    if (glyphs >= 3 ? tall < 3 || tall * 10 < glyphs * 6 : tall < glyphs) continue;
    std::nth_element(bottoms.begin(), bottoms.begin() + tall / 2, bottoms.end());
    std::nth_element(heights.begin(), heights.begin() + tall / 2, heights.end());
    const int median_bottom = bottoms[tall / 2], median_height = heights[tall / 2];
    int aligned = 0;
    for (int m : l.members) {
      const cv::Rect& g = blobs[m].box;
      aligned += std::abs(g.y + g.height - median_bottom) * 7 <= median_height &&
                 std::abs(g.height - median_height) * 5 <= median_height;
    }
    if (aligned * 10 < glyphs * 6) continue;
    // Strokes are thin: glyph blobs fill only part of their box.
    extent /= tall;
    if (extent > 0.72) continue;
    const double fill = static_cast<double>(l.area) / (static_cast<double>(w) * h);
    if (fill < 0.06 || fill > 0.7) continue;
    // Text stands on clean background: few strokes of other blobs right
    // above, below, before and after it.
    for (int m : l.members) own[blobs[m].label] = 1;
    const int band = std::max(1, h * 15 / 100), side = std::max(2, h * 3 / 10);
    const int foreign = ForeignPixels(labels, {l.box.x, l.box.y - band, w, band}, own) +
                        ForeignPixels(labels, {l.box.x, l.box.y + h, w, band}, own) +
                        ForeignPixels(labels, {l.box.x - side, l.box.y, side, h}, own) +
                        ForeignPixels(labels, {l.box.x + w, l.box.y, side, h}, own) +
                        ForeignPixels(labels, l.box, own) / 2;
    for (int m : l.members) own[blobs[m].label] = 0;
    const double clutter = static_cast<double>(foreign) / l.area;
    if (clutter > 0.25) continue;
    const double score = std::clamp(1.0 - clutter * 2.0, 0.0, 1.0);
    if (score < o.min_score) continue;
    out->push_back({l.box, glyphs, score});
  }
}

// Strokes brighter (top-hat) or darker (black-hat) than their surroundings.
void Strokes(const cv::Mat& grey, const MorphologyTextOptions& o, std::vector<TextCandidate>* out) {
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(o.window, o.window));
  cv::Mat hat, mask;
  for (int op : {cv::MORPH_TOPHAT, cv::MORPH_BLACKHAT}) {
    cv::morphologyEx(grey, hat, op, kernel);
    cv::threshold(hat, mask, o.contrast, 255, cv::THRESH_BINARY);
    FindLines(mask, o, out);
  }
}

}  // namespace

std::vector<TextCandidate> MorphologyTextDetector::Detect(const cv::Mat& image) const {
  std::vector<TextCandidate> out;
  if (image.empty()) return out;
  if (image.channels() == 1) {
    Strokes(image, options_, &out);
  } else {
    cv::Mat grey;
    cv::cvtColor(image, grey, cv::COLOR_RGB2GRAY);
    Strokes(grey, options_, &out);
    // Coloured text on grey or black can have the luminance of its
    // background; its chroma (max - min channel) stands out instead.
    std::vector<cv::Mat> ch;
    cv::split(image, ch);
    cv::Mat hi, lo, chroma;
    cv::max(ch[0], ch[1], hi);
    cv::max(hi, ch[2], hi);
    cv::min(ch[0], ch[1], lo);
    cv::min(lo, ch[2], lo);
    cv::subtract(hi, lo, chroma);
    Strokes(chroma, options_, &out);
  }
  std::sort(out.begin(), out.end(), [](const TextCandidate& a, const TextCandidate& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return out;
}

}  // namespace rwd::anon::pixel
