#include "anonymizer/pixel/morphology_text_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace rwd::anon::pixel {
namespace {

// A connected set of stroke pixels: a letter, a few touching letters, or
// anything else.
struct Blob {
  cv::Rect box;
  int letters = 1;  // > 1 for a word of touching letters
  int area = 0;     // stroke pixels inside the box (filled in for line candidates)
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

// The value at `fraction` (0..1) of the sorted 8-bit values of `m` where
// `mask` is set (everywhere when empty).
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

// One search: an image at one scale, strokes of one polarity.
struct Search {
  const cv::Mat& image;  // what is searched: luminance or chroma
  const cv::Mat& luma;   // luminance at the same scale (== image unless searching chroma)
  Polarity polarity;     // of the strokes in `mask`; kUnknown when searching chroma
  const cv::Mat& hat;    // stroke contrast (top-hat or black-hat)
  const cv::Mat& mask;   // hat above the contrast threshold
  const MorphologyTextOptions& o;
};

// The grey level most stroke pixels of `box` share in `luma`: the text's
// own ink (rendered text has one; anatomy does not).
int StrokeMode(const cv::Mat& luma, const cv::Mat& mask, const cv::Rect& box) {
  int hist[256] = {0};
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* v = luma.ptr<uint8_t>(y);
    const uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = box.x; x < box.x + box.width; ++x)
      if (m[x]) ++hist[v[x]];
  }
  return static_cast<int>(std::max_element(hist, hist + 256) - hist);
}

// A candidate while searching: the fill of its strokes tells text from the
// gaps between letters (the other polarity), which are wider.
struct Found {
  TextCandidate candidate;
  double fill = 0;
};

// What a line of glyph blobs looks like.
struct LineShape {
  int glyphs = 0;
  int aligned = 0;           // glyphs at least 40 % of the line's height ending on its baseline
  double extent = 0;         // mean fraction of their box the tall glyphs fill
  double coverage = 0;       // fraction of the line's width covered by glyphs
  double fill = 0;           // stroke pixels / line box
  double clutter = 0;        // stroke pixels just around the line / in it
  double sharpness = 0;      // steepest local change / stroke contrast
  double height_spread = 0;  // relative deviation of the tall glyphs' heights
  double core_spread = 0;    // deviation of the stroke cores' values / stroke contrast
};

double Deviation(const cv::Mat& values, const cv::Mat& mask) {
  cv::Scalar mean, dev;
  cv::meanStdDev(values, mean, dev, mask);
  return dev[0];
}

// False when the blobs cannot be a line of text at all.
bool Measure(const Search& s, const cv::Rect& box, const std::vector<const Blob*>& glyphs, LineShape* l) {
  const int h = box.height, w = box.width;
  for (const Blob* g : glyphs) l->glyphs += g->letters;
  if (l->glyphs < 3 || w < 2 * h) return false;
  std::vector<int> bottoms, heights;
  int area = 0, covered = 0, last_right = box.x;
  for (const Blob* g : glyphs) {  // left to right
    area += g->area;
    const int left = std::max(last_right, g->box.x), right = g->box.x + g->box.width;
    if (right > left) covered += right - left;
    last_right = std::max(last_right, right);
    if (g->box.height * 5 < h * 2) continue;  // punctuation, hyphens
    for (int k = 0; k < g->letters; ++k) bottoms.push_back(g->box.y + g->box.height);
    heights.push_back(g->box.height);
    l->extent += static_cast<double>(g->area) / g->box.area();
  }
  if (bottoms.size() < 3 || heights.empty()) return false;
  const int tall = static_cast<int>(heights.size());
  l->extent /= tall;
  std::nth_element(bottoms.begin(), bottoms.begin() + bottoms.size() / 2, bottoms.end());
  const int baseline = bottoms[bottoms.size() / 2];
  for (const Blob* g : glyphs)
    if (g->box.height * 5 >= h * 2 && std::abs(g->box.y + g->box.height - baseline) * 7 <= h) l->aligned += g->letters;
  double mean = 0, var = 0;
  for (int v : heights) mean += v;
  mean /= tall;
  for (int v : heights) var += (v - mean) * (v - mean);
  l->height_spread = std::sqrt(var / tall) / mean;
  l->coverage = static_cast<double>(covered) / w;
  l->fill = static_cast<double>(area) / box.area();
  const int band = std::max(1, h * 15 / 100), side = std::max(2, h * 3 / 10);
  const int around = CountIn(s.mask, {box.x, box.y - band, w, band}) + CountIn(s.mask, {box.x, box.y + h, w, band}) +
                     CountIn(s.mask, {box.x - side, box.y, side, h}) + CountIn(s.mask, {box.x + w, box.y, side, h});
  l->clutter = static_cast<double>(around) / std::max(1, area);
  const cv::Rect grown = cv::Rect(box.x - 1, box.y - 1, w + 2, h + 2) & cv::Rect(0, 0, s.image.cols, s.image.rows);
  cv::Mat gradient, core;
  cv::morphologyEx(s.image(grown), gradient, cv::MORPH_GRADIENT, cv::Mat());
  const int stroke = std::max(1, Percentile(s.hat(box), s.mask(box), 0.9));
  l->sharpness = static_cast<double>(Percentile(gradient, cv::Mat(), 0.97)) / stroke;
  cv::threshold(s.hat(box), core, stroke * 0.6, 255, cv::THRESH_BINARY);
  l->core_spread = Deviation(s.image(box), core) / stroke;
  return true;
}

// How text-like a line of glyph blobs is: 0 (not text), kSureText and
// above (text), in between (unsure: text over texture, odd rendering; the
// cleaner acts on those only when they read as text).
double Score(const Search& s, const cv::Rect& box, const std::vector<const Blob*>& glyphs) {
  LineShape l;
  if (!Measure(s, box, glyphs, &l)) return 0;
  // Glyphs of text sit on one baseline and are at least x-height tall;
  // letters fill most of the line's width (a trace of spikes does not).
  if (l.aligned < 3 || l.aligned * 10 < l.glyphs * 6 || l.coverage < 0.4) return 0;
  // Strokes are thin: glyph blobs fill part of their box, but more than a
  // curve does.
  if (l.extent > 0.85 || l.extent < 0.1 || l.fill < 0.05 || l.fill > 0.7) return 0;
  // Rendered text has step edges and one colour: the steepest local change
  // is about the stroke contrast (blurred anatomy changes over several
  // pixels; texture has stronger edges around than its "strokes"), the
  // stroke cores hardly vary, and the background next to the line is clean.
  if (l.sharpness < 0.7 || l.sharpness > 2.0 || l.core_spread > 0.35 || l.clutter > 0.5) return 0;
  // A short line, or three blobs of different heights, is too little to be
  // sure of.
  const bool sure = l.sharpness >= 0.8 && l.sharpness <= 1.5 && l.core_spread <= 0.15 && l.clutter <= 0.25 &&
                    (l.glyphs >= 4 || l.height_spread <= 0.15) && box.width >= 4 * box.height;
  if (!sure) return kSureText / 2;
  return kSureText + (1 - kSureText) * std::clamp(1.0 - l.clutter * 2.0 - l.core_spread, 0.0, 1.0);
}

// How many letters a wide blob holds when it is a word of touching letters
// (a letter about 0.65 of its height wide), or 0: a row through the middle
// of a word crosses a stroke about once per letter or more; a bar or an
// edge is crossed once.
int LettersInWord(const cv::Mat& blob) {
  const int h = blob.rows;
  int crossings = 0;
  for (int row : {h * 3 / 10, h / 2, h * 7 / 10}) {
    const uint8_t* p = blob.ptr<uint8_t>(row);
    int n = 0;
    for (int x = 1; x < blob.cols; ++x) n += p[x] && !p[x - 1];
    crossings = std::max(crossings, n);
  }
  const int letters = std::max(1, static_cast<int>(std::lround(blob.cols / (0.65 * h))));
  return crossings * 10 >= letters * 10 ? letters : 0;
}

// Text lines among the stroke blobs of one search.
void FindLines(const Search& s, double scale, std::vector<Found>* out) {
  // Outer boundaries at every nesting level (a frame drawn around the image
  // must not hide the letters inside it); holes of letters are skipped.
  std::vector<std::vector<cv::Point>> contours;
  std::vector<cv::Vec4i> hierarchy;
  cv::findContours(s.mask, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Blob> blobs;
  for (size_t k = 0; k < contours.size(); ++k) {
    if (hierarchy[k][3] >= 0) continue;  // a hole
    const cv::Rect box = cv::boundingRect(contours[k]);
    // Glyph-sized: dots and hyphens ride along in the line box.
    if (box.height < s.o.min_glyph_height || box.height > s.o.max_glyph_height) continue;
    int letters = 1;
    if (box.width > 3 * box.height) {
      // Wider than a letter: a word of touching letters (bold fonts at small
      // sizes) crosses a stroke about every half letter; a bar or an edge
      // does not.
      letters = LettersInWord(s.mask(box));
      if (letters == 0) continue;
    }
    blobs.push_back({box, letters});
  }
  if (blobs.empty()) return;
  std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.box.x < b.box.x; });

  // Link neighbours on one baseline: similar height, overlapping vertically,
  // at most about a letter and a half apart.
  Groups groups(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    const cv::Rect& a = blobs[i].box;
    for (size_t j = i + 1; j < blobs.size(); ++j) {
      const cv::Rect& b = blobs[j].box;
      if (b.x > a.x + a.width + s.o.max_glyph_height) break;
      const int hi = std::max(a.height, b.height), lo = std::min(a.height, b.height);
      if (b.x > a.x + a.width + hi * 3 / 2 + 2) continue;
      if (hi * 5 > lo * 11) continue;  // height ratio above 2.2
      const int overlap = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
      if (overlap * 2 < lo) continue;
      groups.Join(static_cast<int>(i), static_cast<int>(j));
    }
  }
  std::vector<std::vector<Blob*>> lines(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) lines[groups.Find(static_cast<int>(i))].push_back(&blobs[i]);
  for (const std::vector<Blob*>& line : lines) {
    int letters = 0;
    for (const Blob* g : line) letters += g->letters;
    if (letters < 3) continue;
    cv::Rect box = line.front()->box;
    for (Blob* g : line) {
      box |= g->box;
      g->area = cv::countNonZero(s.mask(g->box));
    }
    const double score = Score(s, box, std::vector<const Blob*>(line.begin(), line.end()));
    if (score < s.o.min_score) continue;
    Polarity polarity = s.polarity;
    if (polarity == Polarity::kUnknown) {
      // Coloured strokes: lighter or darker than the rest of the line box?
      cv::Mat rest;
      cv::bitwise_not(s.mask(box), rest);
      polarity =
          cv::mean(s.luma(box), s.mask(box))[0] >= cv::mean(s.luma(box), rest)[0] ? Polarity::kLight : Polarity::kDark;
    }
    const cv::Rect scaled(static_cast<int>(box.x * scale), static_cast<int>(box.y * scale),
                          static_cast<int>(std::ceil(box.width * scale)),
                          static_cast<int>(std::ceil(box.height * scale)));
    TextCandidate c{scaled, letters, score, polarity};
    if (scale == 1.0) c.ink = StrokeMode(s.luma, s.mask, box);
    out->push_back({c, static_cast<double>(cv::countNonZero(s.mask(box))) / box.area()});
  }
}

// Strokes lighter (top-hat) or darker (black-hat) than their surroundings,
// narrower than the window. `luma` is `image` itself, or the luminance when
// `image` is the chroma.
void SearchBothPolarities(const cv::Mat& image, const cv::Mat& luma, double scale, const MorphologyTextOptions& o,
                          int contrast, std::vector<Found>* out) {
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(o.window, o.window));
  const bool chroma = image.data != luma.data;
  cv::Mat hat, mask;
  for (int op : {cv::MORPH_TOPHAT, cv::MORPH_BLACKHAT}) {
    cv::morphologyEx(image, hat, op, kernel);
    cv::threshold(hat, mask, contrast, 255, cv::THRESH_BINARY);
    // Three glyphs of the least height need that many stroke pixels: fewer
    // (most frames of anatomy: edges between broad regions have no hat) and
    // there is no line to trace.
    if (cv::countNonZero(mask) < 3 * o.min_glyph_height) continue;
    const Polarity polarity = chroma ? Polarity::kUnknown : op == cv::MORPH_TOPHAT ? Polarity::kLight : Polarity::kDark;
    FindLines(Search{image, luma, polarity, hat, mask, o}, scale, out);
  }
}

// Full resolution for small text; half resolution for large, bold text
// whose strokes are wider than the window.
void SearchScales(const cv::Mat& image, const cv::Mat& luma, const MorphologyTextOptions& o, std::vector<Found>* out) {
  SearchBothPolarities(image, luma, 1.0, o, o.contrast, out);
  if (image.rows >= 4 * o.min_glyph_height && image.cols >= 4 * o.min_glyph_height) {
    // 2x2 means, cheaper than pyrDown's 5x5 Gaussian: strokes wider than
    // the window are what this scale is for, and they survive either.
    const cv::Size half_size((image.cols + 1) / 2, (image.rows + 1) / 2);
    cv::Mat half_image, half_luma;
    cv::resize(image, half_image, half_size, 0, 0, cv::INTER_AREA);
    if (image.data == luma.data)
      half_luma = half_image;
    else
      cv::resize(luma, half_luma, half_size, 0, 0, cv::INTER_AREA);
    SearchBothPolarities(half_image, half_luma, 2.0, o, o.contrast, out);
  }
}

// The frame's noise in grey levels: the median absolute difference of
// horizontal neighbours where the image is not empty field (a robust
// estimate: edges are rare among all pixel pairs).
double NoiseLevel(const cv::Mat& grey) {
  int hist[256] = {0}, n = 0;
  for (int y = 0; y < grey.rows; y += 2) {
    const uint8_t* p = grey.ptr<uint8_t>(y);
    for (int x = 1; x < grey.cols; ++x)
      if (p[x] > 8 || p[x - 1] > 8) ++hist[std::abs(p[x] - p[x - 1])], ++n;
  }
  for (int v = 0, acc = 0; v < 256; ++v)
    if ((acc += hist[v]) * 2 > n) return v;
  return 0;
}

// Faint text (issue 8.1): a few grey levels above or below the tissue under
// it. Where the frame is smooth enough, strokes are searched again with a
// threshold relative to its noise; what a line is stays decided by Score
// (step edges, one ink, a clean line's surroundings), and what it says by
// reading it.
void SearchFaint(const cv::Mat& luma, const MorphologyTextOptions& o, std::vector<Found>* out) {
  if (o.faint_contrast <= 0) return;  // before the noise: measuring it is a pass over half the frame
  const int contrast = std::max(o.faint_contrast, static_cast<int>(std::ceil(3.0 * NoiseLevel(luma))));
  if (contrast >= o.contrast) return;
  const size_t first = out->size();
  SearchBothPolarities(luma, luma, 1.0, o, contrast, out);
  // Its shape alone does not make a faint line sure: anatomy at that
  // contrast can look like it. Reading it decides.
  for (size_t i = first; i < out->size(); ++i)
    (*out)[i].candidate.score = std::min((*out)[i].candidate.score, kSureText / 2);
}

// Whether two candidates are the same text: found at several scales or
// polarities, or parts of one line split at a wide gap (a hyphen, a double
// space). Filling a line whole is what redaction wants.
bool SameText(const cv::Rect& a, const cv::Rect& b) {
  const int inter = (a & b).area();
  if (inter * 2 >= std::min(a.area(), b.area())) return true;
  const int lo = std::min(a.height, b.height), hi = std::max(a.height, b.height);
  const int overlap = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  const int gap = std::max(a.x, b.x) - std::min(a.x + a.width, b.x + b.width);
  return hi * 2 <= lo * 3 && overlap * 10 >= lo * 6 && gap <= 2 * hi;
}

std::vector<TextCandidate> Merge(std::vector<Found> in) {
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < in.size() && !merged; ++i)
      for (size_t j = i + 1; j < in.size(); ++j) {
        TextCandidate& a = in[i].candidate;
        const TextCandidate& b = in[j].candidate;
        if (!SameText(a.box, b.box)) continue;
        // Text and the gaps between its letters are found as lines of
        // opposite polarity; the strokes are the thinner of the two.
        if (in[j].fill < in[i].fill) a.polarity = b.polarity, in[i].fill = in[j].fill;
        a.box |= b.box;
        a.glyphs = std::max(a.glyphs, b.glyphs);
        a.score = std::max(a.score, b.score);
        if (a.ink < 0) a.ink = b.ink;
        in.erase(in.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
        break;
      }
  }
  std::vector<TextCandidate> out;
  for (const Found& f : in) out.push_back(f.candidate);
  return out;
}

}  // namespace

std::vector<TextCandidate> MorphologyTextDetector::Detect(const cv::Mat& image) const {
  std::vector<Found> found, faint;
  if (image.empty()) return {};
  if (image.channels() == 1) {
    SearchScales(image, image, options_, &found);
    SearchFaint(image, options_, &faint);
  } else {
    cv::Mat grey;
    cv::cvtColor(image, grey, cv::COLOR_RGB2GRAY);
    SearchScales(grey, grey, options_, &found);
    SearchFaint(grey, options_, &faint);
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
    SearchScales(chroma, grey, options_, &found);
  }
  std::vector<TextCandidate> out = Merge(std::move(found));
  // Faint lines where nothing else was found: merged into a line found at
  // full contrast, a faint box (which may span lines) would widen it.
  for (const TextCandidate& f : Merge(std::move(faint)))
    if (std::none_of(out.begin(), out.end(), [&](const TextCandidate& c) { return (c.box & f.box).area() > 0; }))
      out.push_back(f);
  std::sort(out.begin(), out.end(), [](const TextCandidate& a, const TextCandidate& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  return out;
}

}  // namespace rwd::anon::pixel
