#pragma once
// A fast text-line detector from classic image morphology, run on every
// frame (about 1 ms for 512 x 512). It looks for rows of glyph-sized blobs of
// strong local contrast, either polarity, with clean background around them.
// It finds where text is; reading it is TextReader's job.
#include "anonymizer/pixel/text_detector.h"

namespace rwd::anon::pixel {

struct MorphologyTextOptions {
  int min_glyph_height = 6;    // pixels; smaller text is not legible anyway
  int max_glyph_height = 120;  // pixels
  int contrast = 40;           // grey levels a stroke stands out from its surroundings
  int window = 9;              // odd; strokes up to window - 1 pixels wide are seen
  double min_score = 0.5;      // candidates below are dropped
};

class MorphologyTextDetector : public TextDetector {
 public:
  explicit MorphologyTextDetector(MorphologyTextOptions options = {}) : options_(options) {}
  std::vector<TextCandidate> Detect(const cv::Mat& image) const override;

 private:
  MorphologyTextOptions options_;
};

}  // namespace rwd::anon::pixel
