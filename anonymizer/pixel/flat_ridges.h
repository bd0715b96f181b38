#pragma once
// Pixels on a flat ridge (issue 8.1): a run of one level at most three
// pixels long, across a row or down a column, with lower levels at both
// ends. A glyph's strokes drawn above the tissue are such runs whatever the
// tissue's own levels (a faint ink can be one of them); smooth anatomy makes
// few, and they spread over many levels. ink_lines.h counts them by level.
#include <opencv2/core.hpp>

namespace rwd::anon::pixel {

// 1 on a ridge (either direction), 0 elsewhere; the same size as the 8-bit
// grey frame. A run that touches the frame's edge has no end there.
cv::Mat FlatRidges(const cv::Mat& grey);

}  // namespace rwd::anon::pixel
