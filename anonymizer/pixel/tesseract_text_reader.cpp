#include "anonymizer/pixel/tesseract_text_reader.h"

#include <dlfcn.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cctype>
#include <opencv2/imgproc.hpp>

namespace rwd::anon::pixel {
namespace {

// Tesseract's LSTM runs `omp parallel` regions (some with a fixed
// num_threads clause). OMP_THREAD_LIMIT is read by libgomp when it loads,
// before main(); at run time the way to keep this worker's regions on one
// thread is to allow no active parallel level for it. Looked up, not linked:
// a Tesseract built without OpenMP has no libgomp.
void OneOpenMpThreadForThisThread() {
  using IntSetter = void (*)(int);
  if (auto set_levels = reinterpret_cast<IntSetter>(::dlsym(RTLD_DEFAULT, "omp_set_max_active_levels"))) set_levels(0);
  if (auto set_threads = reinterpret_cast<IntSetter>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) set_threads(1);
}

// How much of a reading is words: letters and digits in words of two or
// more, weighted by confidence. 0 when there is nothing but specks.
double Legibility(const TextReading& r) {
  double sum = 0;
  for (const ReadWord& w : r.words) {
    int alnum = 0;
    for (char c : w.text) alnum += std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (alnum >= 2) sum += alnum * std::max(1.0f, w.confidence);
  }
  return sum;
}

// Below this range of grey levels a region holds no text.
constexpr double kMinContrast = 12.0;

// Text about this tall (pixels) is what Tesseract's LSTM reads best.
constexpr double kTargetHeight = 32.0;
constexpr int kBorder = 16;

}  // namespace

TesseractTextReader::TesseractTextReader(std::unique_ptr<tesseract::TessBaseAPI> api) : api_(std::move(api)) {}
TesseractTextReader::~TesseractTextReader() {
  if (api_) api_->End();
}

Result<std::unique_ptr<TesseractTextReader>> TesseractTextReader::Create(const std::string& tessdata,
                                                                         const std::string& language) {
  OneOpenMpThreadForThisThread();
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  // Names and identifiers are not dictionary words: no word lists, which
  // would pull readings towards English. No debug output on stderr.
  std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg", "debug_file"};
  std::vector<std::string> values = {"F", "F", "/dev/null"};
  const int rc = api->Init(tessdata.empty() ? nullptr : tessdata.c_str(), language.c_str(), tesseract::OEM_LSTM_ONLY,
                           nullptr, 0, &names, &values, false);
  if (rc != 0)
    return Status::Error(ErrorCode::kInternal,
                         "Tesseract cannot load language '" + language + "' from " +
                             (tessdata.empty() ? std::string("its default tessdata folder") : tessdata) +
                             " (install tesseract-ocr-" + language + " or set TESSDATA_PREFIX)");
  api->SetVariable("user_defined_dpi", "300");  // no resolution guessing (and no warning about it)
  return std::unique_ptr<TesseractTextReader>(new TesseractTextReader(std::move(api)));
}

Result<TextReading> TesseractTextReader::Recognize(const cv::Mat& page, const cv::Rect& box, double scale, bool block) {
  TextReading reading;
  api_->SetPageSegMode(block ? tesseract::PSM_SINGLE_BLOCK : tesseract::PSM_SINGLE_LINE);
  api_->SetImage(page.data, page.cols, page.rows, 1, static_cast<int>(page.step));
  if (api_->Recognize(nullptr) != 0) {
    api_->Clear();
    return Status::Error(ErrorCode::kInternal, "Tesseract recognition failed");
  }
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  float lowest = 100.0f;
  if (it) {
    do {
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word || word[0] == 0) continue;
      ReadWord w;
      w.text = word.get();
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      if (it->BoundingBox(tesseract::RIL_WORD, &x0, &y0, &x1, &y1)) {
        auto back = [&](int v, int origin) { return origin + static_cast<int>((v - kBorder) / scale); };
        w.box =
            cv::Rect(cv::Point(back(x0, box.x), back(y0, box.y)), cv::Point(back(x1, box.x) + 1, back(y1, box.y) + 1)) &
            box;
      }
      lowest = std::min(lowest, w.confidence);
      if (!reading.text.empty()) reading.text += ' ';
      reading.text += w.text;
      reading.words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  reading.confidence = reading.words.empty() ? 0.0f : lowest;
  api_->Clear();
  return reading;
}

Result<TextReading> TesseractTextReader::Read(const cv::Mat& grey, const cv::Rect& region, Polarity polarity) {
  const cv::Rect image(0, 0, grey.cols, grey.rows);
  if ((region & image).area() == 0) return TextReading{};
  try {
    // The line with a margin (little above and below: the next line must not
    // come in), dark text on a light page, about kTargetHeight pixels tall:
    // how Tesseract was trained.
    const int pad_y = std::max(2, region.height / 8), pad_x = std::max(4, region.height / 2);
    const cv::Rect box =
        cv::Rect(region.x - pad_x, region.y - pad_y, region.width + 2 * pad_x, region.height + 2 * pad_y) & image;
    cv::Mat crop = grey(box).clone();
    double lo = 0, hi = 0;
    cv::minMaxLoc(crop, &lo, &hi);
    if (hi - lo < kMinContrast) return TextReading{};  // flat: nothing to read (a filled box)
    if (polarity == Polarity::kUnknown) {
      // Guess: text is the minority side of the crop's Otsu threshold.
      cv::Mat light;
      cv::threshold(crop, light, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
      polarity = cv::countNonZero(light) * 2 < static_cast<int>(crop.total()) ? Polarity::kLight : Polarity::kDark;
    }
    if (polarity == Polarity::kLight) cv::bitwise_not(crop, crop);
    cv::normalize(crop, crop, 0, 255, cv::NORM_MINMAX);
    const double scale = std::clamp(kTargetHeight / std::max(1, region.height), 1.0, 5.0);
    cv::resize(crop, crop, cv::Size(), scale, scale, cv::INTER_CUBIC);
    cv::Mat page;
    cv::copyMakeBorder(crop, page, kBorder, kBorder, kBorder, kBorder, cv::BORDER_CONSTANT, cv::Scalar(255));

    // One line first. When nothing legible comes out, the polarity may be
    // wrong or the region may hold several lines: try those too and keep the
    // most legible reading.
    auto best = Recognize(page, box, scale, false);
    if (!best.ok() || Legibility(*best) > 0) return best;
    cv::Mat other_page;
    cv::bitwise_not(page, other_page);
    for (int attempt = 0; attempt < 3 && Legibility(*best) == 0; ++attempt) {
      auto other = Recognize(attempt == 1 ? page : other_page, box, scale, attempt > 0);
      if (!other.ok()) return other;
      if (Legibility(*other) > Legibility(*best)) best = std::move(other);
    }
    if (Legibility(*best) == 0) best = TextReading{};  // punctuation and specks
    return best;
  } catch (const std::exception& e) {
    api_->Clear();
    return Status::Error(ErrorCode::kInternal, std::string("text reading failed: ") + e.what());
  }
}

}  // namespace rwd::anon::pixel
