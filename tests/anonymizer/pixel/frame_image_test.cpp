// frame_image: what a frame looks like to the detector, and filling boxes
// with the frame's display black without touching anything else.
#include "anonymizer/pixel/frame_image.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <vector>

#include "anonymizer/pixel/display_window.h"

#include "core/dicom_file.h"
#include "tests/core/dicom_test_files.h"

using namespace rwd;
using namespace rwd::testing;
using namespace rwd::anon::pixel;

namespace {

struct Loaded {
  DicomFile file;
  PixelData pixels;
};
Loaded Load(const std::string& path) {
  DicomFile file = LoadDicom(path);
  PixelData pixels = DecodeOk(file, path);
  return {std::move(file), std::move(pixels)};
}

int64_t Sample16(const PixelData& p, int frame, int x, int y) {
  int16_t v;
  std::memcpy(&v, p.frame(frame).data() + (static_cast<size_t>(y) * p.columns() + x) * 2, 2);
  return v;
}

}  // namespace

TEST_CASE("16-bit monochrome is windowed on its own distribution into the full 8-bit range") {
  Loaded ct = Load(Pydicom("CT_small.dcm"));
  const cv::Mat d = DisplayImage(ct.pixels, 0);
  REQUIRE(d.type() == CV_8UC1);
  CHECK(d.rows == ct.pixels.rows());
  double lo = 0, hi = 0;
  cv::minMaxLoc(d, &lo, &hi);
  CHECK(lo == 0);
  CHECK(hi == 255);
  CHECK(GreyImage(d).data == d.data);  // already grey: the same image
}

TEST_CASE("MONOCHROME1 is shown inverted, palette colour through its table, RGB as it is") {
  Loaded mono1 = Load(Octave("simple-test.dcm"));
  REQUIRE(mono1.pixels.color_model() == ColorModel::kMonochrome1);
  const cv::Mat d = DisplayImage(mono1.pixels, 0);
  for (int i = 0; i < d.cols * d.rows; ++i)
    CHECK(d.data[i] == 255 - mono1.pixels.frame(0)[i]);  // 8 bits stored: no windowing, inverted

  Loaded pal = Load(Octave("US-PAL-8-10x-echo.dcm"));
  const cv::Mat rgb = DisplayImage(pal.pixels, 3);
  REQUIRE(rgb.type() == CV_8UC3);
  const PaletteLut& lut = pal.pixels.palette();
  const int shift = lut.bits > 8 ? 8 : 0;
  for (int y = 0; y < rgb.rows; y += 37)
    for (int x = 0; x < rgb.cols; x += 41) {
      const int index = pal.pixels.frame(3)[static_cast<size_t>(y) * rgb.cols + x] - lut.first_mapped;
      const cv::Vec3b v = rgb.at<cv::Vec3b>(y, x);
      CHECK(v[0] == (lut.red[index] >> shift));
      CHECK(v[1] == (lut.green[index] >> shift));
      CHECK(v[2] == (lut.blue[index] >> shift));
    }
  CHECK(GreyImage(rgb).type() == CV_8UC1);

  Loaded sc = Load(Pydicom("SC_rgb_rle.dcm"));
  const cv::Mat same = DisplayImage(sc.pixels, 0);
  CHECK(std::memcmp(same.data, sc.pixels.frame(0).data(), sc.pixels.frame_size()) == 0);
}

TEST_CASE("FillBoxes writes display black inside the boxes and nothing outside") {
  SUBCASE("MONOCHROME2: the smallest value of the frame") {
    Loaded ct = Load(Pydicom("CT_small.dcm"));
    const std::vector<uint8_t> before(ct.pixels.frame(0).begin(), ct.pixels.frame(0).end());
    int64_t lowest = Sample16(ct.pixels, 0, 0, 0);
    for (int y = 0; y < ct.pixels.rows(); ++y)
      for (int x = 0; x < ct.pixels.columns(); ++x) lowest = std::min(lowest, Sample16(ct.pixels, 0, x, y));
    FillBoxes(ct.pixels, 0, {cv::Rect(10, 20, 30, 5), cv::Rect(120, 120, 50, 50)});  // the second is clipped
    for (int y = 0; y < ct.pixels.rows(); ++y)
      for (int x = 0; x < ct.pixels.columns(); ++x) {
        const bool inside = cv::Rect(10, 20, 30, 5).contains({x, y}) || (x >= 120 && y >= 120);
        const size_t at = (static_cast<size_t>(y) * ct.pixels.columns() + x) * 2;
        if (inside)
          CHECK(Sample16(ct.pixels, 0, x, y) == lowest);
        else
          CHECK(std::memcmp(ct.pixels.frame(0).data() + at, before.data() + at, 2) == 0);
      }
  }
  SUBCASE("MONOCHROME1: the largest value") {
    Loaded mono1 = Load(Octave("simple-test.dcm"));
    uint8_t highest = 0;
    for (uint8_t v : mono1.pixels.frame(0)) highest = std::max(highest, v);
    FillBoxes(mono1.pixels, 0, {cv::Rect(0, 0, 2, 2)});
    CHECK(mono1.pixels.frame(0)[0] == highest);
    CHECK(mono1.pixels.frame(0)[mono1.pixels.columns() + 1] == highest);
  }
  SUBCASE("RGB: zero in every channel") {
    Loaded sc = Load(Pydicom("SC_rgb_rle.dcm"));
    FillBoxes(sc.pixels, 0, {cv::Rect(5, 5, 3, 3)});
    const size_t at = (5 * static_cast<size_t>(sc.pixels.columns()) + 6) * 3;
    CHECK(sc.pixels.frame(0)[at] == 0);
    CHECK(sc.pixels.frame(0)[at + 1] == 0);
    CHECK(sc.pixels.frame(0)[at + 2] == 0);
  }
  SUBCASE("PALETTE COLOR: the index of the darkest entry; other frames untouched") {
    Loaded pal = Load(Octave("US-PAL-8-10x-echo.dcm"));
    const PaletteLut& lut = pal.pixels.palette();
    const std::vector<uint8_t> frame1(pal.pixels.frame(1).begin(), pal.pixels.frame(1).end());
    FillBoxes(pal.pixels, 0, {cv::Rect(100, 100, 10, 10)});
    const int index = pal.pixels.frame(0)[100 * static_cast<size_t>(pal.pixels.columns()) + 105] - lut.first_mapped;
    CHECK(lut.red[index] + lut.green[index] + lut.blue[index] == 0);
    CHECK(std::equal(frame1.begin(), frame1.end(), pal.pixels.frame(1).begin()));
  }
}

TEST_CASE("bits above the high bit (a hidden overlay plane) are found and cleared, signed data sign-extended") {
  Loaded ct = Load(Pydicom("CT_small.dcm"));  // 16 bits stored, signed
  CHECK(CountBitsAboveHighBit(ct.pixels, 0) == 0);
  // Declare 12 bits stored: every value outside [-2048, 2047] has bits set
  // above the high bit.
  REQUIRE(ct.file.dataset().SetString({0x0028, 0x0101}, "12").ok());
  REQUIRE(ct.file.dataset().SetString({0x0028, 0x0102}, "11").ok());
  auto twelve = PixelData::Decode(ct.file);
  REQUIRE(twelve.ok());
  size_t outside = 0;
  for (int y = 0; y < twelve->rows(); ++y)
    for (int x = 0; x < twelve->columns(); ++x) {
      const int64_t v = Sample16(*twelve, 0, x, y);
      outside += v < -2048 || v > 2047;
    }
  REQUIRE(outside > 0);
  CHECK(CountBitsAboveHighBit(*twelve, 0) == outside);
  CHECK(ClearBitsAboveHighBit(*twelve, 0) == outside);
  CHECK(CountBitsAboveHighBit(*twelve, 0) == 0);
  for (int y = 0; y < twelve->rows(); ++y)
    for (int x = 0; x < twelve->columns(); ++x) {
      const int64_t v = Sample16(*twelve, 0, x, y);
      CHECK((v >= -2048 && v <= 2047));
    }
}

TEST_CASE("the display window maps every sample exactly as its formula says, vectorised or not") {
  // The formula the detector's grey levels are defined by (display_window.h).
  auto expected = [](uint16_t raw, int bits, bool is_signed, int32_t lo, int32_t hi) {
    const int shift = 32 - bits;
    int32_t v = is_signed ? static_cast<int32_t>(uint32_t{raw} << shift) >> shift
                          : static_cast<int32_t>(raw & ((1u << bits) - 1));
    v = std::min(std::max(v, lo), hi);
    const int64_t span = std::max<int32_t>(1, hi - lo);
    return static_cast<uint8_t>(((v - lo) * int64_t{255} + span / 2) / span);
  };
  std::mt19937 rng(7);
  struct Case {
    int bits;
    bool is_signed;
  };
  int windows = 0;
  for (const Case c : {Case{12, false}, Case{16, false}, Case{16, true}, Case{12, true}, Case{10, false}, Case{8, true}}) {
    const int64_t first = c.is_signed ? -(int64_t{1} << (c.bits - 1)) : 0, last = first + (int64_t{1} << c.bits) - 1;
    // Every raw 16-bit pattern (bits above bits_stored set too: a hidden
    // overlay plane must not change the value), then an odd count for the tail.
    std::vector<uint16_t> samples(65536 + 37);
    for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<uint16_t>(i * 40503u);
    std::vector<uint8_t> fast(samples.size()), slow(samples.size());
    for (int k = 0; k < 40; ++k, ++windows) {
      std::uniform_int_distribution<int64_t> pick(first, last);
      int64_t lo = pick(rng), hi = pick(rng);
      if (lo > hi) std::swap(lo, hi);
      if (k == 0) lo = first, hi = last;         // the widest window
      if (k == 1) hi = lo;                       // a flat frame
      if (k == 2) hi = std::min(last, lo + 1);   // two levels
      WindowSamples16(samples.data(), samples.size(), c.bits, c.is_signed, static_cast<int32_t>(lo),
                      static_cast<int32_t>(hi), fast.data());
      detail::WindowSamples16Scalar(samples.data(), samples.size(), c.bits, c.is_signed, static_cast<int32_t>(lo),
                                    static_cast<int32_t>(hi), slow.data());
      size_t wrong = 0;
      for (size_t i = 0; i < samples.size(); ++i)
        wrong += fast[i] != expected(samples[i], c.bits, c.is_signed, static_cast<int32_t>(lo), static_cast<int32_t>(hi)) ||
                 slow[i] != fast[i];
      CHECK_MESSAGE(wrong == 0, "bits " << c.bits << (c.is_signed ? " signed" : " unsigned") << " window [" << lo << ", "
                                        << hi << "]");
    }
  }
  CHECK(windows == 240);
}
