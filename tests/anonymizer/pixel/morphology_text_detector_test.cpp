// MorphologyTextDetector: finds rendered and real burned-in text lines of
// either polarity and colour, and nothing sure in real images without text.
#include "anonymizer/pixel/morphology_text_detector.h"

#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "anonymizer/pixel/frame_image.h"
#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/core/dicom_test_files.h"

using namespace rwd;
using namespace rwd::testing;
using namespace rwd::anon::pixel;

namespace {

cv::Mat Display(const std::string& path, int frame = 0) { return DisplayImage(DecodeFile(path), frame); }

// The candidate that, with the cleaner's default 3-pixel margin, covers
// `text` (its ink box), or null.
const TextCandidate* Covering(const std::vector<TextCandidate>& found, const cv::Rect& text) {
  for (const TextCandidate& c : found) {
    const cv::Rect filled(c.box.x - 3, c.box.y - 3, c.box.width + 6, c.box.height + 6);
    if ((filled & text).area() * 100 >= text.area() * 95) return &c;
  }
  return nullptr;
}

// Draws `s` with capitals `cap` pixels tall; returns the box of its ink.
// Strokes get thicker with the size, as scanners draw them.
cv::Rect Put(cv::Mat& img, const std::string& s, cv::Point at, int cap, const cv::Scalar& colour, int font) {
  int base = 0;
  const int thickness = std::max(1, cap / 14);
  const double scale = cap / static_cast<double>(cv::getTextSize("H", font, 1.0, thickness, &base).height);
  cv::putText(img, s, at, font, scale, colour, thickness, cv::LINE_AA);
  cv::Mat ink(img.size(), CV_8U, cv::Scalar(0));
  cv::putText(ink, s, at, font, scale, cv::Scalar(255), thickness, cv::LINE_8);
  return cv::boundingRect(ink);
}

}  // namespace

TEST_CASE("rendered lines are found at every size, font and polarity") {
  const MorphologyTextDetector detector;
  for (int font : {cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX, cv::FONT_HERSHEY_COMPLEX}) {
    for (int cap : {10, 14, 20, 30, 44}) {
      CAPTURE(font);
      CAPTURE(cap);
      cv::Mat light(512, 1024, CV_8UC1, cv::Scalar(0));
      const cv::Rect a = Put(light, "DOE JANE 19640317", {12, 20 + cap}, cap, cv::Scalar(255), font);
      const auto found_light = detector.Detect(light);  // kept: Covering points into it
      const TextCandidate* c = Covering(found_light, a);
      REQUIRE(c != nullptr);
      CHECK(c->sure());
      if (cap <= 20) CHECK(c->polarity == Polarity::kLight);  // a hint; thick strokes are ambiguous

      cv::Mat dark(512, 1024, CV_8UC1, cv::Scalar(230));
      const cv::Rect b = Put(dark, "ID 48213957 ACC 7734", {30, 300}, cap, cv::Scalar(20), font);
      const auto found_dark = detector.Detect(dark);
      const TextCandidate* d = Covering(found_dark, b);
      REQUIRE(d != nullptr);
      if (cap <= 20) CHECK(d->polarity == Polarity::kDark);
    }
  }
}

TEST_CASE("coloured text with the luminance of its background is found through its chroma") {
  cv::Mat img(300, 400, CV_8UC3, cv::Scalar(128, 128, 128));
  // Green (0, 200, 0) has luminance 117: next to nothing against grey 128.
  const cv::Rect text = Put(img, "SMITH JOHN", {20, 100}, 22, cv::Scalar(0, 200, 0), cv::FONT_HERSHEY_SIMPLEX);
  const std::vector<TextCandidate> found = MorphologyTextDetector().Detect(img);
  CHECK(Covering(found, text) != nullptr);
}

TEST_CASE("real burned-in text from a scanner is found") {
  // A 3D rendering screenshot with the scanner's own annotation in a small
  // bitmap font (9 px capitals): date, institution, exam numbers.
  const cv::Mat ankle = Display(Octave("CT-MONO2-16-ankle.dcm"));
  const std::vector<TextCandidate> found = MorphologyTextDetector().Detect(ankle);
  CHECK(found.size() >= 10);
  CHECK(Covering(found, cv::Rect(11, 12, 210, 10)) != nullptr);   // "Fri Apr 30 06:27:24 1993 3D"
  CHECK(Covering(found, cv::Rect(360, 12, 140, 10)) != nullptr);  // "JFK IMAGING CENTER"
  // The echocardiogram's own annotation (date, times), palette colour.
  const std::vector<TextCandidate> echo = MorphologyTextDetector().Detect(Display(Octave("US-PAL-8-10x-echo.dcm")));
  CHECK(Covering(echo, cv::Rect(3, 30, 85, 12)) != nullptr);  // "30 JAN 94"
}

TEST_CASE("real images without text give nothing the detector is sure of") {
  const MorphologyTextDetector detector;
  for (const std::string& path :
       {Pydicom("693_J2KI.dcm"), Pydicom("J2K_pixelrep_mismatch.dcm"), Pydicom("CT_small.dcm"), Pydicom("MR_small.dcm"),
        Pydicom("JPEG-lossy.dcm"), Pydicom("image_dfl.dcm")}) {
    CAPTURE(path);
    for (const TextCandidate& c : detector.Detect(Display(path))) CHECK_FALSE(c.sure());
  }
}
