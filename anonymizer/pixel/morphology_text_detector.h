#pragma once
// A fast text-line detector from classic image morphology, run on every
// frame (about 1 ms for 512 x 512). Strokes are what stands out from its
// neighbourhood by top-hat or black-hat (both polarities; luminance, and
// chroma for colour images; full and half resolution); their blobs are
// linked into lines of glyph-sized blobs on a baseline; a line scores as
// text by its shape, the sharpness and uniformity of its strokes, and the
// clean background around it. It finds where text is; reading it is
// TextReader's job.
#include "anonymizer/pixel/text_detector.h"

namespace rwd::anon::pixel {

struct MorphologyTextOptions {
  int min_glyph_height = 6;    // pixels; smaller text is not legible anyway
  int max_glyph_height = 120;  // pixels (at half resolution: 240)
  int contrast = 40;           // grey levels a stroke stands out from its surroundings
  // The least contrast of the faint-text search on smooth frames; 0 (off)
  // by default: it finds unsure lines only, which only a reader can decide
  // (the cleaner turns it on; screening, which reads nothing, leaves it off).
  int faint_contrast = 0;
  int window = 9;              // odd; strokes up to window - 1 pixels wide are seen
  double min_score = 0.2;      // candidates below are dropped (see kSureText)
};

class MorphologyTextDetector : public TextDetector {
 public:
  explicit MorphologyTextDetector(MorphologyTextOptions options = {}) : options_(options) {}
  std::vector<TextCandidate> Detect(const cv::Mat& image) const override;

 private:
  MorphologyTextOptions options_;
};

}  // namespace rwd::anon::pixel
