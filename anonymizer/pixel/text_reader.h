#pragma once
// Reading the text inside a region an image detector found.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "anonymizer/pixel/text_detector.h"
#include "core/status.h"

namespace rwd::anon::pixel {

struct ReadWord {
  std::string text;         // UTF-8
  float confidence = 0.0f;  // 0..100
  cv::Rect box;             // in image pixels
};

// What was read in a region. Held in memory only: never logged or stored.
struct TextReading {
  std::vector<ReadWord> words;  // reading order
  std::string text;             // the words joined by single spaces
  float confidence = 0.0f;      // the lowest word confidence; 0 when no word

  bool empty() const { return words.empty(); }
};

// Not thread-safe: one reader per worker.
class TextReader {
 public:
  virtual ~TextReader() = default;
  // Reads the line of text in `box` (clipped to the image; a little of the
  // surroundings is taken in) of an 8-bit grey image. `polarity` says
  // whether the text is lighter or darker than its background (kUnknown:
  // the reader guesses). Fails only when the engine fails.
  virtual Result<TextReading> Read(const cv::Mat& grey, const cv::Rect& box,
                                   Polarity polarity = Polarity::kUnknown) = 0;
};

}  // namespace rwd::anon::pixel
