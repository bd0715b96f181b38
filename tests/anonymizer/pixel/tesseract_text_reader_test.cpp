// TesseractTextReader: reads a rendered line in either polarity, tells
// nothing from something, and falls back when the hint is wrong.
#include "anonymizer/pixel/tesseract_text_reader.h"

#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "tests/anonymizer/pixel/read_back.h"

using namespace rwd;
using namespace rwd::anon::pixel;

namespace {

cv::Rect Put(cv::Mat& img, const std::string& s, cv::Point at, int cap, int value) {
  int base = 0;
  const double scale = cap / static_cast<double>(cv::getTextSize("H", cv::FONT_HERSHEY_SIMPLEX, 1.0, 1, &base).height);
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(value), 1, cv::LINE_AA);
  cv::Mat ink(img.size(), CV_8U, cv::Scalar(0));
  cv::putText(ink, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255), 1, cv::LINE_8);
  return cv::boundingRect(ink);
}

std::unique_ptr<TesseractTextReader> Reader() {
  auto r = TesseractTextReader::Create();
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("a line is read in either polarity, with word boxes in image pixels") {
  auto reader = Reader();
  for (int cap : {10, 14, 24}) {
    CAPTURE(cap);
    cv::Mat light(200, 600, CV_8UC1, cv::Scalar(10));
    const cv::Rect box = Put(light, "SMITH JOHN 4821395", {20, 100}, cap, 240);
    auto r = reader->Read(light, box, Polarity::kLight);
    REQUIRE(r.ok());
    CHECK(testing::corpus::TokenIn(r->text, "SMITH"));
    CHECK(testing::corpus::TokenIn(r->text, "4821395"));
    CHECK(r->confidence > 60);
    REQUIRE(!r->words.empty());
    CHECK((r->words.front().box & box).area() > 0);

    cv::Mat dark(200, 600, CV_8UC1, cv::Scalar(235));
    const cv::Rect dbox = Put(dark, "SMITH JOHN 4821395", {20, 100}, cap, 15);
    auto d = reader->Read(dark, dbox, Polarity::kDark);
    REQUIRE(d.ok());
    CHECK(testing::corpus::TokenIn(d->text, "4821395"));
  }
}

TEST_CASE("a wrong polarity hint is overcome; a blank region reads as nothing") {
  auto reader = Reader();
  cv::Mat img(120, 500, CV_8UC1, cv::Scalar(0));
  const cv::Rect box = Put(img, "DOE JANE 1964", {20, 60}, 16, 255);
  auto r = reader->Read(img, box, Polarity::kDark);  // wrong on purpose
  REQUIRE(r.ok());
  CHECK(testing::corpus::TokenIn(r->text, "DOE JANE"));

  cv::Mat blank(120, 500, CV_8UC1, cv::Scalar(90));
  auto nothing = reader->Read(blank, cv::Rect(10, 10, 200, 30));
  REQUIRE(nothing.ok());
  CHECK(nothing->empty());
  CHECK(nothing->confidence == 0);
  auto outside = reader->Read(blank, cv::Rect(600, 600, 10, 10));
  REQUIRE(outside.ok());
  CHECK(outside->empty());
}
