#pragma once
// Finding where text is in an image, before anyone reads it.
#include <opencv2/core.hpp>
#include <vector>

namespace rwd::anon::pixel {

// Candidates scoring at least this are text as far as the detector can
// tell; below it only reading them can tell (text over texture, unusual
// rendering).
inline constexpr double kSureText = 0.5;

// Whether text is lighter or darker than what is around it (in luminance).
// A detector's hint: a reader tries the other way when it reads nothing.
enum class Polarity { kUnknown, kLight, kDark };

// A region that looks like one line of text.
struct TextCandidate {
  cv::Rect box;        // in image pixels, tight around the glyphs
  int glyphs = 0;      // connected glyph blobs in the line (a word of touching letters is one)
  double score = 0.0;  // 0..1, how text-like (see kSureText); detectors drop what is not
  Polarity polarity = Polarity::kUnknown;
  int ink = -1;        // the grey level most of its strokes share (-1: not known)
  int ink_glyphs = 0;  // found by its ink alone (ink_lines.h): the glyphs of that ink along it
  bool sure() const { return score >= kSureText; }
};

// Thread-compatible: const methods may be called from several threads.
class TextDetector {
 public:
  virtual ~TextDetector() = default;
  // Text lines in an 8-bit image (CV_8UC1 grey or CV_8UC3), top to bottom.
  virtual std::vector<TextCandidate> Detect(const cv::Mat& image) const = 0;
};

}  // namespace rwd::anon::pixel
