#pragma once
// A redacted line's whole extent by its ink (issue 8.1). The detector can
// see a faint or bold line only in part (some glyphs stand out from the
// tissue under them, others do not). Rendered text has one ink level: the
// glyph-sized blobs of that level that continue the line along its rows are
// the rest of it. Other lines of the label are the detector's and the
// label-block rule's (redaction_policy.h), which keep technical lines.
// Used only for lines already being redacted, so images without text are
// never touched by it.
#include <opencv2/core.hpp>

namespace rwd::anon::pixel {

// `box` grown to cover the glyph-sized blobs of grey level `ink` (+-1) in
// `grey` (8-bit) that continue it on its rows, each within 1.5 line
// heights of what was covered, up to three line heights from where it
// started on either side.
cv::Rect GrowByInk(const cv::Mat& grey, const cv::Rect& box, int ink);

}  // namespace rwd::anon::pixel
