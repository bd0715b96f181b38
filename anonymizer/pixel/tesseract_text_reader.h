#pragma once
// TextReader on Tesseract's C++ API (LSTM engine, English), initialised once
// per worker. A region is read as one line; when nothing legible comes out
// it is read again with the other polarity (a guess gone wrong), and as a
// block (a region of several lines); the most legible reading is kept. A
// reading of specks and punctuation only is returned empty. Tesseract's OpenMP threads are switched off for the calling
// thread: rwdgate parallelises across workers, and Debian's OpenMP build is
// several times slower on two cores when every worker spawns threads.
#include <memory>
#include <string>

#include "anonymizer/pixel/text_reader.h"

namespace tesseract {
class TessBaseAPI;
}

namespace rwd::anon::pixel {

class TesseractTextReader : public TextReader {
 public:
  // Loads the language data ("" = Tesseract's default tessdata folder, or
  // TESSDATA_PREFIX). Fails with kInternal and Tesseract's folder in the
  // message when the data cannot be loaded.
  static Result<std::unique_ptr<TesseractTextReader>> Create(const std::string& tessdata = "",
                                                             const std::string& language = "eng");
  ~TesseractTextReader() override;

  Result<TextReading> Read(const cv::Mat& grey, const cv::Rect& box, Polarity polarity = Polarity::kUnknown) override;

 private:
  explicit TesseractTextReader(std::unique_ptr<tesseract::TessBaseAPI> api);
  // One recognition pass over a prepared page; `box` and `scale` map word
  // boxes back to the image.
  Result<TextReading> Recognize(const cv::Mat& page, const cv::Rect& box, double scale, bool block);
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

}  // namespace rwd::anon::pixel
