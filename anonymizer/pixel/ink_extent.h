#pragma once
// A redacted line's whole extent by its ink (issue 8.1). The detector can
// see a faint or bold line only in part (some glyphs stand out from the
// tissue under them, others do not), and may miss the next line of the
// same label. Rendered text has one ink level: the glyph-sized blobs of
// that level joined to the line along its baseline, or one line above or
// below it, are the rest of the label. Used only for lines already being
// redacted, so images without text are never touched by it.
#include <opencv2/core.hpp>

namespace rwd::anon::pixel {

// `box` grown to cover the glyph-sized blobs of grey level `ink` (+-1) in
// `grey` (8-bit) that continue it: on its rows within 1.5 line heights of
// it, or on the next line above or below overlapping it; repeated from
// what was added, up to three line heights from where it started.
cv::Rect GrowByInk(const cv::Mat& grey, const cv::Rect& box, int ink);

}  // namespace rwd::anon::pixel
