#include "tests/anonymizer/pixel/read_back.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/phi_text_matcher.h"
#include "anonymizer/pixel/tesseract_text_reader.h"

namespace rwd::testing::corpus {

bool TokenIn(const std::string& read, const std::string& token) {
  const std::string text = anon::pixel::CanonicalCompact(read), want = anon::pixel::CanonicalCompact(token);
  if (want.empty()) return false;
  if (text.find(want) != std::string::npos) return true;
  if (want.size() < 6) return false;
  // Sellers: smallest edit distance of `want` to any substring of `text`.
  std::vector<int> prev(want.size() + 1), cur(want.size() + 1);
  for (size_t i = 0; i <= want.size(); ++i) prev[i] = static_cast<int>(i);
  for (char t : text) {
    cur[0] = 0;
    for (size_t i = 1; i <= want.size(); ++i)
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (want[i - 1] == t ? 0 : 1)});
    if (cur.back() <= 1) return true;
    std::swap(prev, cur);
  }
  return false;
}

ReadBack::ReadBack() {
  auto reader = anon::pixel::TesseractTextReader::Create();
  if (!reader.ok()) throw std::runtime_error(reader.status().ToString());
  reader_ = std::move(reader).value();
}
ReadBack::~ReadBack() = default;

bool ReadBack::Readable(const cv::Mat& display, const Token& token) {
  const cv::Mat grey = anon::pixel::GreyImage(display);
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  const int h = token.box.height;
  const cv::Rect line = cv::Rect(0, token.box.y - h / 2, grey.cols, token.box.height + h) & image;
  for (const cv::Rect& box : {token.box, line}) {
    auto read = reader_->Read(grey, box);
    if (read.ok() && TokenIn(read->text, token.text)) return true;
  }
  return false;
}

}  // namespace rwd::testing::corpus
