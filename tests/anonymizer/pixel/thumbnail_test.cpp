// Thumbnails of released images for the cohort report: scaled to the size
// asked, windowed as the header says (CT: its DICOM window, else soft
// tissue; MR: percentiles), boxes outlined in red, JPEG.
#include "anonymizer/pixel/thumbnail.h"

#include <doctest/doctest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "anonymizer/image_encoding.h"
#include "core/dicom_file.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::anon::pixel;

namespace {

DicomFile Load(const std::string& name) {
  const auto bytes = testing::ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/" + name);
  REQUIRE_MESSAGE(!bytes.empty(), name);
  auto f = DicomFile::Parse(bytes);
  REQUIRE(f.ok());
  return std::move(*f);
}

cv::Mat Render(const DicomFile& f, const ThumbnailOptions& o = {}, int flags = cv::IMREAD_GRAYSCALE) {
  auto jpeg = RenderThumbnail(f, o);
  REQUIRE(jpeg.ok());
  REQUIRE(jpeg->size() > 2);
  CHECK((*jpeg)[0] == 0xFF);
  CHECK((*jpeg)[1] == 0xD8);  // JPEG SOI
  cv::Mat m = cv::imdecode(*jpeg, flags);
  REQUIRE(!m.empty());
  return m;
}

}  // namespace

TEST_CASE("a thumbnail is scaled down to the longest side asked for, never enlarged") {
  DicomFile ct = Load("CT_small.dcm");  // 128 x 128
  ThumbnailOptions o;
  o.max_side = 64;
  cv::Mat small = Render(ct, o);
  CHECK(small.cols == 64);
  CHECK(small.rows == 64);
  o.max_side = 400;
  CHECK(Render(ct, o).cols == 128);
}

TEST_CASE("CT is windowed by the object's DICOM window, else by a soft-tissue window") {
  DicomFile ct = Load("CT_small.dcm");
  ct.dataset().SetString({0x0028, 0x1050}, "40");
  ct.dataset().SetString({0x0028, 0x1051}, "400");
  const cv::Scalar soft = cv::mean(Render(ct));
  CHECK(soft[0] > 20);
  CHECK(soft[0] < 235);
  // A window far above every value shows black: the header's window is used.
  ct.dataset().SetString({0x0028, 0x1050}, "30000");
  ct.dataset().SetString({0x0028, 0x1051}, "10");
  CHECK(cv::mean(Render(ct))[0] < 3);
  // Without a window: soft tissue (C 40, W 400), the same picture as the explicit one.
  ct.dataset().Remove({0x0028, 0x1050});
  ct.dataset().Remove({0x0028, 0x1051});
  CHECK(cv::mean(Render(ct))[0] == doctest::Approx(soft[0]).epsilon(0.02));
}

TEST_CASE("MR is windowed between percentiles: the full grey range is used") {
  cv::Mat mr = Render(Load("MR_small.dcm"));
  double lo = 0, hi = 0;
  cv::minMaxLoc(mr, &lo, &hi);
  CHECK(lo <= 10);
  CHECK(hi >= 245);
  const double mean = cv::mean(mr)[0];
  CHECK(mean > 20);
  CHECK(mean < 235);
}

TEST_CASE("boxes are outlined in red, scaled with the image") {
  DicomFile ct = Load("CT_small.dcm");
  ThumbnailOptions o;
  o.max_side = 64;
  o.outline = {{32, 32, 64, 64}};  // image pixels: (16, 16, 32, 32) after scaling
  cv::Mat bgr = Render(ct, o, cv::IMREAD_COLOR);
  int reddest = 0;
  for (int x = 18; x < 46; ++x) {
    const cv::Vec3b p = bgr.at<cv::Vec3b>(16, x);
    reddest = std::max(reddest, p[2] - std::max(p[0], p[1]));
  }
  CHECK(reddest > 80);
  o.outline.clear();
  const cv::Vec3b outside = Render(ct, o, cv::IMREAD_COLOR).at<cv::Vec3b>(16, 30);
  CHECK(std::abs(outside[2] - outside[1]) < 30);  // grey without the box
}

TEST_CASE("the encoders write what an independent decoder reads back: PNG exactly, JPEG closely") {
  cv::Mat grey(37, 53, CV_8UC1);  // odd sizes: no row padding assumed
  for (int y = 0; y < grey.rows; ++y)
    for (int x = 0; x < grey.cols; ++x) grey.at<uint8_t>(y, x) = static_cast<uint8_t>((x * 7 + y * 13) % 256);
  auto png = anon::EncodePng(grey);
  REQUIRE(png.ok());
  const cv::Mat back = cv::imdecode(*png, cv::IMREAD_UNCHANGED);
  REQUIRE(back.type() == CV_8UC1);
  CHECK(cv::countNonZero(back != grey) == 0);
  // A region of interest (rows not contiguous) encodes as itself.
  auto roi = anon::EncodePng(grey(cv::Rect(3, 2, 20, 10)));
  REQUIRE(roi.ok());
  CHECK(cv::countNonZero(cv::imdecode(*roi, cv::IMREAD_UNCHANGED) != grey(cv::Rect(3, 2, 20, 10))) == 0);

  cv::Mat bgr(40, 60, CV_8UC3, cv::Scalar(200, 30, 10));  // blue in OpenCV's order
  auto jpeg = anon::EncodeJpeg(bgr, 90);
  REQUIRE(jpeg.ok());
  const cv::Mat colour = cv::imdecode(*jpeg, cv::IMREAD_COLOR);
  REQUIRE(colour.size() == bgr.size());
  const cv::Vec3b mid = colour.at<cv::Vec3b>(20, 30);
  CHECK(std::abs(mid[0] - 200) < 8);
  CHECK(std::abs(mid[2] - 10) < 8);
  CHECK_FALSE(anon::EncodeJpeg(cv::Mat(), 90).ok());
  CHECK_FALSE(anon::EncodePng(bgr).ok());
}
