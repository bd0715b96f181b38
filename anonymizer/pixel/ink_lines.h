#pragma once
// Lines of rendered text found by their ink alone (issue 8.1), where the
// stroke detector sees nothing: text over anatomy as bright as it (drawn in
// the frame's brightest level), and faint text a few levels above the
// tissue under it (drawn in a flat ink). A flat ink is a level that, in
// runs of tiles side by side, is either far more common than the levels two
// either side of it, or far more often on a flat ridge (a run of at most
// three pixels above both its ends, as a stroke is) than the levels next to
// it, which smooth or noisy anatomy does not make. Lines of it are searched
// two ways: a row of glyph-sized blobs of that one level, five or more on
// one baseline with one height (InkLines, ink_extent.h); or, where the
// glyphs are only fragments (anti-aliased faint text whose ink is also a
// level of the tissue: only the strokes a glyph covers whole reach it), a
// band of rows, one glyph tall, with sharp top and bottom edges, where its
// ridges are several times as many as in the rows around, spread along the
// band in eight or more groups. Reading decides what they say; the glyphs
// (five or more) or groups (eight or more) of one ink that found it make
// one that reads as nothing confident surely text.
#include <opencv2/core.hpp>
#include <vector>

namespace rwd::anon::pixel {

struct InkLine {
  cv::Rect box;
  int ink = -1;
  int glyphs = 0;  // glyphs (or groups of their fragments) of the ink along it: five or more
};

// In an 8-bit grey frame.
std::vector<InkLine> FindInkLines(const cv::Mat& grey);

}  // namespace rwd::anon::pixel
