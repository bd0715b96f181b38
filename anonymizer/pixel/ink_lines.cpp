#include "anonymizer/pixel/ink_lines.h"

#include <algorithm>
#include <map>

#include "anonymizer/pixel/ink_extent.h"

namespace rwd::anon::pixel {
namespace {

constexpr int kTile = 32;
constexpr int kArea = kTile * kTile;
constexpr int kMostFlatInks = 4;
// Search windows of one level beyond this (and a quarter of the frame):
// the level is a tissue's. Four lines' windows of 300-pixel text.
constexpr int kLabelArea = 12 * kTile * 6 * kTile;

// A level that stands out in runs of tiles side by side, as a line of text
// makes it: where to search for its lines.
struct Ink {
  int level = -1, tolerance = 0;
  std::vector<cv::Rect> windows;  // each run, two tiles more on either side and one above and below
  double strength = 0;            // for flat inks: the strongest tile's count over its neighbours'
};

// Whether `v` is a flat ink in a tile's histogram: at least 20 pixels but
// not half the tile (strokes, not a tissue), three times as many as either
// level two away, at most a fifth of the tile brighter (text is drawn above
// the tissue it lies on). `brighter` counts the pixels above v.
bool FlatInTile(const int* hist, int v, int brighter) {
  return brighter * 5 <= kArea && hist[v] >= 20 && hist[v] * 2 <= kArea &&
         hist[v] >= 3 * std::max(hist[v - 2], hist[v + 2]);
}

// Adds a run of tiles (column `tx` and the next, row `ty`) to `ink`'s
// windows, merged with a window it overlaps.
void AddRun(Ink& ink, int tx, int ty, const cv::Rect& whole) {
  cv::Rect w = cv::Rect((tx - 2) * kTile, (ty - 1) * kTile, 6 * kTile, 3 * kTile) & whole;
  for (auto it = ink.windows.begin(); it != ink.windows.end();)
    if ((*it & w).area() > 0) {
      w |= *it;
      it = ink.windows.erase(it);
    } else {
      ++it;
    }
  ink.windows.push_back(w);
}

// The frame's brightest level (+-1, where text over bright anatomy is) and
// the strongest few flat inks (not the extremes, where windowing piles up
// everything outside the window), each with the runs of two or more tiles
// side by side where it stands out.
std::vector<Ink> InksToSearch(const cv::Mat& grey, int brightest) {
  const int cols = grey.cols / kTile, rows = grey.rows / kTile;
  const cv::Rect whole(0, 0, grey.cols, grey.rows);
  Ink bright;
  bright.level = brightest, bright.tolerance = 1;
  std::map<int, Ink> flat;
  std::vector<bool> bright_before(cols + 1, false);
  std::map<int, int> flat_before;  // level -> column of the tile before it in this row (+1)
  for (int ty = 0; ty < rows; ++ty) {
    std::fill(bright_before.begin(), bright_before.end(), false);
    flat_before.clear();
    for (int tx = 0; tx < cols; ++tx) {
      int hist[256] = {0};
      for (int y = ty * kTile; y < (ty + 1) * kTile; ++y) {
        const uint8_t* row = grey.ptr<uint8_t>(y) + tx * kTile;
        for (int x = 0; x < kTile; ++x) ++hist[row[x]];
      }
      int at_bright = 0;
      for (int v = std::max(0, brightest - 1); v <= std::min(255, brightest + 1); ++v) at_bright += hist[v];
      const bool b = at_bright >= 20 && at_bright * 2 <= kArea;
      if (b && tx > 0 && bright_before[tx - 1]) AddRun(bright, tx - 1, ty, whole);
      bright_before[tx] = b;
      int brighter = hist[255] + hist[254];
      for (int v = 253; v >= 2 && brighter * 5 <= kArea; --v) {
        if (v != brightest && FlatInTile(hist, v, brighter)) {
          Ink& f = flat[v];
          f.level = v;
          f.strength = std::max(f.strength, static_cast<double>(hist[v]) / std::max({1, hist[v - 2], hist[v + 2]}));
          auto before = flat_before.find(v);
          if (before != flat_before.end() && before->second == tx) AddRun(f, tx - 1, ty, whole);
          flat_before[v] = tx + 1;
        }
        brighter += hist[v];
      }
    }
  }
  // A level that stands out over much of the frame is a tissue's (bone
  // saturated by the window, a flat organ), not a label's.
  auto label_sized = [&](const Ink& ink) {
    int area = 0;
    for (const cv::Rect& w : ink.windows) area += w.area();
    return !ink.windows.empty() && area <= std::max(whole.area() / 4, kLabelArea);
  };
  std::vector<Ink> out;
  if (label_sized(bright)) out.push_back(bright);
  std::vector<Ink> flats;
  for (auto& [v, f] : flat)
    if (label_sized(f)) flats.push_back(std::move(f));
  std::sort(flats.begin(), flats.end(), [](const Ink& a, const Ink& b) { return a.strength > b.strength; });
  if (flats.size() > kMostFlatInks) flats.resize(kMostFlatInks);
  out.insert(out.end(), flats.begin(), flats.end());
  return out;
}

}  // namespace

std::vector<InkLine> FindInkLines(const cv::Mat& grey) {
  std::vector<InkLine> out;
  if (grey.empty()) return out;
  double lo = 0, hi = 0;
  cv::minMaxLoc(grey, &lo, &hi);
  // Flat inks by the exact level: the tissue's own levels lie next to it.
  for (const Ink& ink : InksToSearch(grey, static_cast<int>(hi)))
    for (const cv::Rect& window : ink.windows)
      for (const cv::Rect& box : InkLines(grey, ink.level, ink.tolerance, window)) out.push_back({box, ink.level});
  return out;
}

}  // namespace rwd::anon::pixel
