// The ink searches (ink_extent.h, ink_lines.h) on drawn frames: text in one
// ink over a noisy or smooth background is found, grown, split into its
// lines and joined by its block's other lines; the background alone gives
// nothing.
#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>
#include <random>

#include "anonymizer/pixel/ink_extent.h"
#include "anonymizer/pixel/ink_lines.h"

using namespace rwd::anon::pixel;

namespace {

// A smooth gradient with +-3 levels of noise, like tissue in an 8-bit MR.
cv::Mat Tissue(int rows, int cols, unsigned seed) {
  cv::Mat m(rows, cols, CV_8U);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-3, 3);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) m.at<uint8_t>(y, x) = static_cast<uint8_t>(120 + x / 16 + y / 32 + noise(rng));
  return m;
}

// Text drawn without anti-aliasing: every stroke pixel has exactly `ink`.
void Text(cv::Mat& m, const std::string& s, cv::Point at, int ink, double scale = 0.6, int thickness = 1) {
  cv::putText(m, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(ink), thickness, cv::LINE_8);
}

bool Covers(const cv::Rect& outer, const cv::Rect& inner) { return (outer & inner) == inner; }

}  // namespace

TEST_CASE("a line of one ink is found by its glyphs alone, at the brightest level and at a flat one") {
  cv::Mat m = Tissue(256, 320, 1);
  Text(m, "MUSTERMANN ERIKA", {20, 60}, 255);
  Text(m, "ID 4711 0815 42", {20, 160}, 150);  // a few levels above the tissue under it
  const std::vector<InkLine> lines = FindInkLines(m);
  bool bright = false, flat = false;
  for (const InkLine& l : lines) {
    bright = bright || (l.ink == 255 && l.box.y < 60 && l.box.y + l.box.height > 50 && l.box.width > 120);
    flat = flat || (l.ink == 150 && l.box.y < 160 && l.box.y + l.box.height > 150 && l.box.width > 100);
  }
  CHECK(bright);
  CHECK(flat);
  // The background alone, and an unrelated bright blob, give no line.
  cv::Mat plain = Tissue(256, 320, 2);
  cv::circle(plain, {160, 128}, 30, cv::Scalar(255), cv::FILLED);
  CHECK(FindInkLines(plain).empty());
}

// Smooth tissue (an averaged template: no noise) at 176 to 180, with a band
// of white matter at exactly `wm` along rows 58 to 66, and bright fat at
// the bottom.
cv::Mat SmoothTissue(int rows, int cols, int wm) {
  cv::Mat m(rows, cols, CV_8U);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x)
      m.at<uint8_t>(y, x) =
          static_cast<uint8_t>(y >= 58 && y <= 66 ? wm : y >= 180 ? 240 : 176 + (x / 40 + y / 50) % 5);
  return m;
}

TEST_CASE("faint text whose ink is also a level of the tissue it touches is found by its rows") {
  // Text 3 levels above the tissue (183), whose lower half lies on white
  // matter of that very level: every glyph is one blob with the band, so no
  // glyph of the ink stands alone; its upper half's strokes still do.
  const int ink = 183;
  cv::Mat m = SmoothTissue(200, 360, ink);
  cv::putText(m, "BELLACOVA LUCIEN", {20, 64}, cv::FONT_HERSHEY_DUPLEX, 0.8, cv::Scalar(ink), 1, cv::LINE_8);
  bool found = false;
  for (const InkLine& l : FindInkLines(m))
    found = found || (l.ink == ink && l.box.y <= 54 && l.box.y + l.box.height >= 54 && l.box.width > 150 &&
                      l.glyphs >= 5);
  CHECK(found);
  CHECK(FindInkLines(SmoothTissue(200, 360, ink)).empty());
}

TEST_CASE("a redacted line grows along its ink, and finds its block's other lines by it") {
  cv::Mat m = Tissue(200, 400, 3);
  Text(m, "MUSTERMANN ERIKA MARIA", {10, 40}, 255, 0.7, 2);
  Text(m, "DOB 01.02.1950", {10, 66}, 255, 0.7, 2);
  // The detector saw only the first word of the DOB line.
  const cv::Rect seen(10, 50, 50, 17);
  const cv::Rect grown = GrowByInk(m, seen, 255);
  CHECK(grown.width > 150);  // the whole DOB line
  const std::vector<cv::Rect> above = LabelLinesByInk(m, grown, 255);
  REQUIRE(above.size() == 1);
  CHECK(above[0].y < 40);
  CHECK(GrowByInk(m, above[0], 255).width > 250);  // the whole name line
  // A line alone has no neighbours.
  cv::Mat alone = Tissue(200, 400, 4);
  Text(alone, "DOB 01.02.1950", {10, 66}, 255, 0.7, 2);
  CHECK(LabelLinesByInk(alone, GrowByInk(alone, seen, 255), 255).empty());
}

TEST_CASE("a region of two lines splits into its lines by ink; five glyphs stand on one baseline") {
  cv::Mat m = Tissue(200, 400, 5);
  Text(m, "2024-06-15 10:12", {10, 40}, 255, 0.7, 2);
  Text(m, "DOB 20.01.1948", {10, 70}, 255, 0.7, 2);
  const std::vector<cv::Rect> bands = InkBands(m, {5, 20, 250, 60}, 255);
  REQUIRE(bands.size() == 2);
  CHECK(Covers(cv::Rect(0, 20, 400, 25), bands[0]));
  CHECK(Covers(cv::Rect(0, 48, 400, 30), bands[1]));
  CHECK(InkBands(m, {5, 20, 250, 25}, 255).empty());  // one line
  CHECK(BaselineGlyphs(m, bands[1], 255).glyphs >= 5);
  CHECK(BaselineGlyphs(Tissue(200, 400, 6), {10, 50, 200, 20}, 255).glyphs == 0);
}
