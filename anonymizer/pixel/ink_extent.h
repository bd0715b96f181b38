#pragma once
// A redacted line's whole extent, and the rest of its label, by its ink
// (issue 8.1). The detector can see a faint or bold line only in part (some
// glyphs stand out from the tissue under them, others do not), and can miss
// a line of a label altogether. Rendered text has one ink level: the
// glyph-sized blobs of that level that continue the line along its rows are
// the rest of it, and rows of them directly above or below it are the other
// lines of its label block (a technical line the detector missed cannot be
// read as technical, so it goes with the block).
// Used only for lines already being redacted, so images without text are
// never touched by it.
#include <opencv2/core.hpp>
#include <vector>

namespace rwd::anon::pixel {

// `box` grown to cover the glyph-sized blobs of grey level `ink` (+-1) in
// `grey` (8-bit) that continue it on its rows, each within 1.5 line
// heights of what was covered, up to 18 line heights from where it started
// on either side.
cv::Rect GrowByInk(const cv::Mat& grey, const cv::Rect& box, int ink);

// Rows of at least three glyph-sized blobs of `ink` (+-1), of about the
// line's height, at most a line height above or below `line` and
// overlapping it or starting near it: lines of the same label block.
std::vector<cv::Rect> LabelLinesByInk(const cv::Mat& grey, const cv::Rect& line, int ink);

// Glyphs of `ink` (+-1) along the line `box` (grown by GrowByInk) that
// stand on one baseline (+-2 pixels) with about one height (0.75 to 1.3 of
// the glyphs' median): five or more is a line of rendered text, whatever
// OCR made of it. Anatomy at one grey level makes specks of every size.
struct BaselineCount {
  int glyphs = 0;   // single letters (blobs at most two line heights wide)
  int letters = 0;  // also counting blobs of touching (bold) letters by their width
};
BaselineCount BaselineGlyphs(const cv::Mat& grey, const cv::Rect& box, int ink);

// Lines of rendered text in `grey` drawn in `ink`
// (+-`tolerance`), found by their glyphs alone: rows of blobs of that
// level, 6 to 40 pixels tall, five or more of them on one baseline with
// one height. What the stroke detector misses where text lies over anatomy
// as bright as it, or only a few levels from it.
// Searched in `window` only. Each line with the glyphs on its baseline.
struct GlyphRow {
  cv::Rect box;
  int glyphs = 0;
};
std::vector<GlyphRow> InkLines(const cv::Mat& grey, int ink, int tolerance, cv::Rect window);

// The lines of text inside `box`, when it holds several (a label block seen
// as one region): bands of rows with strokes of `ink` (+-1) between rows
// without. Empty when the box holds one line.
std::vector<cv::Rect> InkBands(const cv::Mat& grey, const cv::Rect& box, int ink);

}  // namespace rwd::anon::pixel
