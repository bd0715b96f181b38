#pragma once
// Finding where text is in an image, before anyone reads it.
#include <opencv2/core.hpp>
#include <vector>

namespace rwd::anon::pixel {

// A region that looks like one line of text.
struct TextCandidate {
  cv::Rect box;        // in image pixels, tight around the glyphs
  int glyphs = 0;      // connected glyph blobs in the line (a word of touching letters is one)
  double score = 0.0;  // 0..1, how text-like; detectors drop what is not
};

// Thread-compatible: const methods may be called from several threads.
class TextDetector {
 public:
  virtual ~TextDetector() = default;
  // Text lines in an 8-bit image (CV_8UC1 grey or CV_8UC3), top to bottom.
  virtual std::vector<TextCandidate> Detect(const cv::Mat& image) const = 0;
};

}  // namespace rwd::anon::pixel
