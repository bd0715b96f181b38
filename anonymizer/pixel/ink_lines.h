#pragma once
// Lines of rendered text found by their ink alone (issue 8.1), where the
// stroke detector sees nothing: text over anatomy as bright as it (drawn in
// the frame's brightest level), and faint text a few levels above the
// tissue under it (drawn in a flat ink: one level far more common in some
// part of the frame than the levels either side of it, which smooth or
// noisy anatomy does not make). Either way a line is a row of glyph-sized
// blobs of that one level, five or more on one baseline with one height
// (InkLines, ink_extent.h). Reading decides what they say.
#include <opencv2/core.hpp>
#include <vector>

namespace rwd::anon::pixel {

struct InkLine {
  cv::Rect box;
  int ink = -1;
};

// In an 8-bit grey frame.
std::vector<InkLine> FindInkLines(const cv::Mat& grey);

}  // namespace rwd::anon::pixel
