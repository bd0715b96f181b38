#include "anonymizer/pixel/ink_lines.h"

#include <algorithm>
#include <map>

#include "anonymizer/pixel/flat_ridges.h"
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
  double strength = 0;            // for flat inks: the strongest tile's count (or ridges) over its neighbours'
};

// Whether `v` is a flat ink in a tile's histogram: at least 20 pixels but
// not half the tile (strokes, not a tissue), three times as many as either
// level two away, at most a fifth of the tile brighter (text is drawn above
// the tissue it lies on). `brighter` counts the pixels above v.
bool FlatInTile(const int* hist, int v, int brighter) {
  return brighter * 5 <= kArea && hist[v] >= 20 && hist[v] * 2 <= kArea &&
         hist[v] >= 3 * std::max(hist[v - 2], hist[v + 2]);
}

// Whether `v` is a flat ink by its ridges in a tile: at least 20 ridge
// pixels of that level, twice as many as of any level within two of it.
bool RidgeInTile(const int* ridges, int v) {
  return ridges[v] >= 20 && ridges[v] >= 2 * std::max({ridges[v - 2], ridges[v - 1], ridges[v + 1], ridges[v + 2]});
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
std::vector<Ink> InksToSearch(const cv::Mat& grey, const cv::Mat& ridge, int brightest) {
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
      int hist[256] = {0}, ridges[256] = {0};
      for (int y = ty * kTile; y < (ty + 1) * kTile; ++y) {
        const uint8_t* row = grey.ptr<uint8_t>(y) + tx * kTile;
        const uint8_t* on_ridge = ridge.ptr<uint8_t>(y) + tx * kTile;
        for (int x = 0; x < kTile; ++x) ++hist[row[x]], ridges[row[x]] += on_ridge[x];
      }
      int at_bright = 0;
      for (int v = std::max(0, brightest - 1); v <= std::min(255, brightest + 1); ++v) at_bright += hist[v];
      const bool b = at_bright >= 20 && at_bright * 2 <= kArea;
      if (b && tx > 0 && bright_before[tx - 1]) AddRun(bright, tx - 1, ty, whole);
      bright_before[tx] = b;
      int brighter = hist[255] + hist[254];
      for (int v = 253; v >= 2 && brighter * 5 <= kArea; --v) {
        const bool by_count = FlatInTile(hist, v, brighter), by_ridges = RidgeInTile(ridges, v);
        if (v != brightest && (by_count || by_ridges)) {
          Ink& f = flat[v];
          f.level = v;
          if (by_count)
            f.strength = std::max(f.strength, static_cast<double>(hist[v]) / std::max({1, hist[v - 2], hist[v + 2]}));
          if (by_ridges)
            f.strength = std::max(f.strength, static_cast<double>(ridges[v]) /
                                                  std::max({1, ridges[v - 2], ridges[v - 1], ridges[v + 1], ridges[v + 2]}));
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

// Groups of columns a line found by its rows has at least: a name or an ID
// is that many letters or more; five or six are speckle of one level, or
// ticks on a scale.
constexpr int kLeastRowGroups = 8;

// Lines of `ink` found by its rows, where its glyphs are only fragments
// (faint anti-aliased text: only the strokes the glyph covers whole reach
// the ink level, the rest blends into tissue at its own levels). A line of
// text is a band of rows, one glyph tall, where the ink's flat ridges are
// several times as many as in the window's usual row, with sharp top and
// bottom edges, and which runs along the band in kLeastRowGroups or more
// separate groups of columns (letters, or what is left of them) at most two
// line heights apart, over five line heights or more. A tissue's level
// makes contours: a row or two at a time, or a region without edges.
std::vector<InkLine> InkRowLines(const cv::Mat& grey, const cv::Mat& ridge, int ink, const cv::Rect& window) {
  std::vector<InkLine> out;
  if (window.height < 8) return out;
  std::vector<int> count(window.height, 0);
  for (int y = 0; y < window.height; ++y) {
    const uint8_t* row = grey.ptr<uint8_t>(window.y + y) + window.x;
    const uint8_t* on = ridge.ptr<uint8_t>(window.y + y) + window.x;
    int n = 0;  // (a local sum: the compiler keeps it in a register)
    for (int x = 0; x < window.width; ++x) n += on[x] & (row[x] == ink);
    count[y] = n;
  }
  std::vector<int> sorted = count;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const int usual = sorted[sorted.size() / 2];
  const int least = std::max(5, 3 * usual + 2);
  auto mean = [&](int from, int to) {  // rows [from, to) of the window, clipped
    from = std::max(0, from), to = std::min(window.height, to);
    int sum = 0;
    for (int y = from; y < to; ++y) sum += count[y];
    return to > from ? static_cast<double>(sum) / (to - from) : 0.0;
  };
  for (int y0 = 0; y0 < window.height;) {
    if (count[y0] < least) {
      ++y0;
      continue;
    }
    // The band: from a row at the threshold, the rows at half of it or more
    // either side (the rows through a glyph's bowls have fewer flat runs
    // than those through its stems and bars), at the threshold on average.
    int y1 = y0;
    while (y0 > 0 && count[y0 - 1] * 2 >= least) --y0;
    while (y1 + 1 < window.height && count[y1 + 1] * 2 >= least) ++y1;
    const int h = y1 - y0 + 1;
    // Above the window's usual row by six or more and by three times the
    // usual (noisy tissue has the level in every row), and by three times
    // what the two rows either side have above it (sharp edges). Fragments
    // of lines under 8 pixels are not legible.
    const double inside = mean(y0, y1 + 1) - usual;
    const bool sharp = inside >= 3 * std::max(1.0, std::max(mean(y0 - 2, y0), mean(y1 + 1, y1 + 3)) - usual);
    if (h >= 8 && h <= 40 && inside >= std::max(6, 3 * usual) && sharp) {
      // Columns with the ink in the band, in groups; the longest chain of
      // groups at most two line heights apart (letters over tissue brighter
      // than the ink leave no trace).
      std::vector<bool> inked(window.width, false);
      for (int y = y0; y <= y1; ++y) {
        const uint8_t* row = grey.ptr<uint8_t>(window.y + y) + window.x;
        const uint8_t* on = ridge.ptr<uint8_t>(window.y + y) + window.x;
        for (int x = 0; x < window.width; ++x) inked[x] = inked[x] || (on[x] && row[x] == ink);
      }
      int best_from = 0, best_to = -1, best_groups = 0;
      int from = -1, last = -1, groups = 0;
      for (int x = 0; x < window.width; ++x) {
        if (!inked[x]) continue;
        if (from < 0 || x - last > 2 * h) from = x, groups = 0;  // a new chain
        if (last != x - 1) ++groups;                             // a new group of columns
        last = x;
        if (groups > best_groups || (groups == best_groups && x - from > best_to - best_from))
          best_from = from, best_to = x, best_groups = groups;
      }
      const cv::Rect line(window.x + best_from, window.y + y0, best_to - best_from + 1, h);
      // Strokes are a minority of a line's box (at most 16 % of the faint
      // lines measured; bold ones more): a level on half of it is a noisy
      // tissue's own, with ridges wherever its noise dips either side.
      if (best_groups >= kLeastRowGroups && line.width >= 5 * h &&
          cv::countNonZero(grey(line) == ink) * 10 <= line.area() * 3)
        out.push_back({line, ink, best_groups});
    }
    y0 = y1 + 1;
  }
  return out;
}

}  // namespace

std::vector<InkLine> FindInkLines(const cv::Mat& grey) {
  std::vector<InkLine> out;
  if (grey.empty()) return out;
  double lo = 0, hi = 0;
  cv::minMaxLoc(grey, &lo, &hi);
  // Flat inks by the exact level: the tissue's own levels lie next to it.
  const cv::Mat ridge = FlatRidges(grey);
  for (const Ink& ink : InksToSearch(grey, ridge, static_cast<int>(hi)))
    for (const cv::Rect& window : ink.windows) {
      const size_t first = out.size();
      // Whole glyphs: how many is for the cleaner to count again along the
      // line (BaselineGlyphs); five blobs of one level in a row are also
      // what noise in air makes.
      for (const GlyphRow& row : InkLines(grey, ink.level, ink.tolerance, window))
        out.push_back({row.box, ink.level, 0});
      // Its fragments by their rows, where its glyphs were not found whole;
      // a flat ink's only (the brightest level, where windowing piles up
      // all that is brighter still, makes bands of its own).
      if (ink.tolerance == 0)
        for (const InkLine& line : InkRowLines(grey, ridge, ink.level, window))
          if (std::none_of(out.begin() + first, out.end(),
                           [&](const InkLine& l) { return (l.box & line.box).area() > 0; }))
            out.push_back(line);
    }
  return out;
}

}  // namespace rwd::anon::pixel
