#pragma once
// The attacker's view of a cleaned image: can Tesseract still read a token
// that was burned into it? Used by the corpus and end-to-end tests.
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "tests/anonymizer/pixel/burned_in_corpus.h"

namespace rwd::anon::pixel {
class TextReader;
}

namespace rwd::testing::corpus {

// True when `token` is in `read` (OCR output), up to look-alike characters
// and one edit for tokens of six characters or more.
bool TokenIn(const std::string& read, const std::string& token);

class ReadBack {
 public:
  ReadBack();  // throws std::runtime_error when Tesseract cannot load
  ~ReadBack();
  // Tries the token's own box and its whole line (both with some margin) of
  // an 8-bit display image (grey or RGB).
  bool Readable(const cv::Mat& display, const Token& token);

 private:
  std::unique_ptr<anon::pixel::TextReader> reader_;
};

}  // namespace rwd::testing::corpus
