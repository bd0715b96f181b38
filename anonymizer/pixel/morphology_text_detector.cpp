#include "anonymizer/pixel/morphology_text_detector.h"

#include <algorithm>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <cstdio>
#include <cstdlib>
#define DBG(...) if (getenv("MTD_DEBUG")) fprintf(stderr, __VA_ARGS__)

namespace rwd::anon::pixel {
namespace {

struct Blob {
  cv::Rect box;
  int area;  // stroke pixels inside the box
};

// Union-find over blob indices.
struct Groups {
  std::vector<int> parent;
  explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int i) { return parent[i] == i ? i : parent[i] = Find(parent[i]); }
  void Join(int a, int b) { parent[Find(a)] = Find(b); }
};

int CountIn(const cv::Mat& mask, cv::Rect r) {
  r &= cv::Rect(0, 0, mask.cols, mask.rows);
  return r.area() > 0 ? cv::countNonZero(mask(r)) : 0;
}

// The value at the given fraction (0..1) of the sorted values of `m` (8-bit).
int Percentile(const cv::Mat& m, const cv::Mat& mask, double fraction) {
  int hist[256] = {0};
  int n = 0;
  for (int y = 0; y < m.rows; ++y) {
    const uint8_t* row = m.ptr<uint8_t>(y);
    const uint8_t* keep = mask.empty() ? nullptr : mask.ptr<uint8_t>(y);
    for (int x = 0; x < m.cols; ++x)
      if (!keep || keep[x]) ++hist[row[x]], ++n;
  }
  const int target = static_cast<int>(fraction * n);
  int acc = 0;
  for (int v = 0; v < 256; ++v)
    if ((acc += hist[v]) > target) return v;
  return 255;
}

struct Context {
  const cv::Mat& grey;  // the image searched (one scale)
  const cv::Mat& hat;   // stroke contrast (top-hat or black-hat)
  const cv::Mat& mask;  // hat above the contrast threshold
  const MorphologyTextOptions& o;
};

// Whether a line of glyph blobs looks like rendered text; its score, or 0.
double Verify(const Context& c, const cv::Rect& box, const std::vector<const Blob*>& glyphs) {
  const int h = box.height, w = box.width;
  const int n = static_cast<int>(glyphs.size());
  if (n < 3 || w < 2 * h) return 0;
  // Glyphs of text sit on one baseline and are at least x-height tall
  // (lowercase, digits, capitals); descenders and punctuation are the
  // exceptions.
  std::vector<int> bottoms;
  double extent = 0;
  int area = 0, covered = 0, last_right = box.x;
  for (const Blob* g : glyphs) {
    area += g->area;
    // Width the glyphs cover along the line (letters fill most of a line;
    // a trace of spikes does not).
    const int left = std::max(last_right, g->box.x), right = g->box.x + g->box.width;
    if (right > left) covered += right - left;
    last_right = std::max(last_right, right);
    if (g->box.height * 5 < h * 2) continue;
    bottoms.push_back(g->box.y + g->box.height);
    extent += static_cast<double>(g->area) / g->box.area();
  }
  const int tall = static_cast<int>(bottoms.size());
  DBG("line %d,%d %dx%d n=%d tall=%d\n", box.x, box.y, w, h, n, tall); for (const Blob* g : glyphs) DBG("    g %d,%d %dx%d a=%d\n", g->box.x, g->box.y, g->box.width, g->box.height, g->area);
  if (tall < 3) return 0;
  std::nth_element(bottoms.begin(), bottoms.begin() + tall / 2, bottoms.end());
  const int base = bottoms[tall / 2];
  int aligned = 0;
  for (const Blob* g : glyphs)
    aligned += g->box.height * 5 >= h * 2 && std::abs(g->box.y + g->box.height - base) * 7 <= h;
  const double coverage = static_cast<double>(covered) / w;
  DBG("  aligned=%d extent=%.2f coverage=%.2f\n", aligned, extent / tall, coverage);
  if (aligned < 3 || aligned * 10 < n * 6 || coverage < 0.4) return 0;
  // Strokes are thin: glyph blobs fill part of their box, more than a
  // curve or a trace does.
  extent /= tall;
  if (extent > 0.85 || extent < 0.2) return 0;
  const double fill = static_cast<double>(area) / box.area();
  if (fill < 0.1 || fill > 0.7) return 0;
  // Text stands on clean background: few strokes right above, below,
  // before and after the line.
  const int band = std::max(1, h * 15 / 100), side = std::max(2, h * 3 / 10);
  const int foreign = CountIn(c.mask, {box.x, box.y - band, w, band}) + CountIn(c.mask, {box.x, box.y + h, w, band}) +
                      CountIn(c.mask, {box.x - side, box.y, side, h}) + CountIn(c.mask, {box.x + w, box.y, side, h});
  const double clutter = static_cast<double>(foreign) / area;
  DBG("  fill=%.2f clutter=%.2f\n", fill, clutter);
  if (clutter > 0.25) return 0;
  // Rendered text has step edges: the steepest local change is about the
  // whole stroke contrast (blurred anatomy changes over several pixels).
  const cv::Rect grown = cv::Rect(box.x - 1, box.y - 1, w + 2, h + 2) & cv::Rect(0, 0, c.grey.cols, c.grey.rows);
  cv::Mat gradient;
  cv::morphologyEx(c.grey(grown), gradient, cv::MORPH_GRADIENT, cv::Mat());
  const int stroke = Percentile(c.hat(box), c.mask(box), 0.5);
  const int edge = Percentile(gradient, cv::Mat(), 0.97);
  const double sharpness = stroke > 0 ? static_cast<double>(edge) / stroke : 0.0;
  DBG("  stroke=%d edge=%d sharp=%.2f\n", stroke, edge, sharpness);
  if (sharpness < 0.8) return 0;
  return std::clamp(1.0 - clutter * 2.0, 0.0, 1.0);
}

// Text lines among the stroke blobs of one polarity at one scale.
void FindLines(const Context& c, double scale, std::vector<TextCandidate>* out) {
  // Outer boundaries at every nesting level (a frame drawn around the image
  // must not hide the letters inside it); holes of letters are skipped.
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> hierarchy;
  cv::findContours(c.mask, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Blob> blobs;
  for (size_t k = 0; k < contours.size(); ++k) {
    if (hierarchy[k][3] >= 0) continue;  // a hole
    const cv::Rect box = cv::boundingRect(contours[k]);
    // Glyph-sized: dots and hyphens ride along in the line box.
    if (box.height < c.o.min_glyph_height || box.height > c.o.max_glyph_height) continue;
    if (box.width > 3 * box.height) continue;
    blobs.push_back({box, 0});
  }
  if (blobs.size() < 3) return;
  std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.box.x < b.box.x; });

  // Link neighbours on one baseline: similar height, overlapping vertically,
  // at most about a letter apart.
  Groups groups(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    const cv::Rect& a = blobs[i].box;
    for (size_t j = i + 1; j < blobs.size(); ++j) {
      const cv::Rect& b = blobs[j].box;
      if (b.x > a.x + a.width + c.o.max_glyph_height) break;
      const int hi = std::max(a.height, b.height), lo = std::min(a.height, b.height);
      if (b.x > a.x + a.width + hi * 6 / 5 + 2) continue;
      if (hi * 5 > lo * 11) continue;  // height ratio above 2.2
      const int overlap = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
      if (overlap * 2 < lo) continue;
      groups.Join(static_cast<int>(i), static_cast<int>(j));
    }
  }
  std::vector<std::vector<const Blob*>> lines(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) lines[groups.Find(static_cast<int>(i))].push_back(&blobs[i]);
  for (auto& glyphs : lines) {
    if (glyphs.size() < 3) continue;
    cv::Rect box = glyphs.front()->box;
    for (const Blob* g : glyphs) {
      box |= g->box;
      const_cast<Blob*>(g)->area = cv::countNonZero(c.mask(g->box));
    }
    const double score = Verify(c, box, glyphs);
    if (score < c.o.min_score) continue;
    const cv::Rect scaled(static_cast<int>(box.x * scale), static_cast<int>(box.y * scale),
                          static_cast<int>(std::ceil(box.width * scale)), static_cast<int>(std::ceil(box.height * scale)));
    out->push_back({scaled, static_cast<int>(glyphs.size()), score});
  }
}

// Strokes brighter (top-hat) or darker (black-hat) than their surroundings.
void Search(const cv::Mat& grey, double scale, const MorphologyTextOptions& o, std::vector<TextCandidate>* out) {
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(o.window, o.window));
  cv::Mat hat, mask;
  for (int op : {cv::MORPH_TOPHAT, cv::MORPH_BLACKHAT}) {
    cv::morphologyEx(grey, hat, op, kernel);
    cv::threshold(hat, mask, o.contrast, 255, cv::THRESH_BINARY);
    FindLines(Context{grey, hat, mask, o}, scale, out);
  }
}

// Full resolution for small text; half resolution for large, bold text
// whose strokes are wider than the window.
void SearchScales(const cv::Mat& grey, const MorphologyTextOptions& o, std::vector<TextCandidate>* out) {
  Search(grey, 1.0, o, out);
  if (grey.rows >= 4 * o.min_glyph_height && grey.cols >= 4 * o.min_glyph_height) {
    cv::Mat half;
    cv::pyrDown(grey, half);
    Search(half, 2.0, o, out);
  }
}

// Candidates found at several scales or polarities for the same text merge.
std::vector<TextCandidate> Merge(std::vector<TextCandidate> in) {
  std::vector<TextCandidate> out;
  std::sort(in.begin(), in.end(), [](const TextCandidate& a, const TextCandidate& b) { return a.box.area() > b.box.area(); });
  for (const TextCandidate& c : in) {
    bool merged = false;
    for (TextCandidate& o : out) {
      const int inter = (o.box & c.box).area();
      if (inter * 2 >= c.box.area()) {
        o.box |= c.box;
        o.glyphs = std::max(o.glyphs, c.glyphs);
        o.score = std::max(o.score, c.score);
        merged = true;
        break;
      }
    }
    if (!merged) out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<TextCandidate> MorphologyTextDetector::Detect(const cv::Mat& image) const {
  std::vector<TextCandidate> found;
  if (image.empty()) return found;
  if (image.channels() == 1) {
    SearchScales(image, options_, &found);
  } else {
    cv::Mat grey;
    cv::cvtColor(image, grey, cv::COLOR_RGB2GRAY);
    SearchScales(grey, options_, &found);
    // Coloured text can have the luminance of its background; its chroma
    // (max - min channel) stands out instead.
    std::vector<cv::Mat> ch;
    cv::split(image, ch);
    cv::Mat hi, lo, chroma;
    cv::max(ch[0], ch[1], hi);
    cv::max(hi, ch[2], hi);
    cv::min(ch[0], ch[1], lo);
    cv::min(lo, ch[2], lo);
    cv::subtract(hi, lo, chroma);
    SearchScales(chroma, options_, &found);
  }
  std::vector<TextCandidate> out = Merge(std::move(found));
  std::sort(out.begin(), out.end(), [](const TextCandidate& a, const TextCandidate& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return out;
}

}  // namespace rwd::anon::pixel
