// PixelCleaner: one object end to end: the synthetic ultrasound's burned-in
// name, known device regions, images left alone, cine loops, hidden overlay
// bits, compressed input, the Clean Pixel Data markers, and failures.
#include "anonymizer/pixel/pixel_cleaner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <thread>
#include <opencv2/imgproc.hpp>

#include "anonymizer/phi_terms.h"
#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/pixel_screener.h"
#include "anonymizer/pixel/tesseract_text_reader.h"
#include "core/pixel_data.h"
#include "tests/anonymizer/pixel/read_back.h"
#include "tests/core/dicom_test_files.h"
#include "tests/fixtures/synthetic_export.h"

using namespace rwd;
using namespace rwd::testing;
using namespace rwd::anon::pixel;

namespace {

rules::PixelsConfig Config(rules::BurnedInMode mode) {
  rules::PixelsConfig c;
  c.burned_in = mode;
  return c;
}

// PixelCleaner keeps a reference to its config (REQUIRES: it outlives the
// cleaner): the configs live to the end of the test program.
std::unique_ptr<PixelCleaner> Cleaner(rules::PixelsConfig config) {
  static std::deque<rules::PixelsConfig> alive;
  alive.push_back(std::move(config));
  auto c = PixelCleaner::Create(alive.back());
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return std::move(c).value();
}

// Cleans `file` with its own header as the original.
CleanReport Clean(PixelCleaner& cleaner, DicomFile& file, const anon::PhiTerms& phi) {
  CleanRequest request;
  request.phi = &phi;
  DicomItem ds = file.dataset();
  request.original_header = [ds](Tag t) { return ds.GetString(t); };
  auto report = cleaner.Clean(file, request);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  return std::move(report).value();
}

std::vector<uint8_t> Frames(const DicomFile& file) {
  const PixelData p = DecodeOk(file, "frames");
  std::vector<uint8_t> all;
  for (int f = 0; f < p.frames(); ++f) all.insert(all.end(), p.frame(f).begin(), p.frame(f).end());
  return all;
}

}  // namespace

TEST_CASE("the synthetic ultrasound's burned-in name and ID cannot be read after redact-phi") {
  TempDir tmp;
  fixtures::ExportOptions options;
  options.patients = 1;
  options.with_ultrasound = true;
  options.with_bad_files = false;
  const fixtures::ExportManifest manifest = fixtures::WriteSyntheticExport(tmp.File("in"), options);
  REQUIRE(manifest.burned_in_text.size() == 1);
  const fixtures::BurnedInText& text = manifest.burned_in_text[0];
  DicomFile file = LoadDicom(tmp.File("in/" + text.file));
  const anon::PhiTerms phi = anon::CollectPhiTerms(file.dataset());
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactPhi));
  const std::vector<uint8_t> before = Frames(file);
  const CleanReport report = Clean(*cleaner, file, phi);
  CHECK(report.has_pixels);
  CHECK(report.pixels_changed);
  CHECK(report.regions_redacted >= 1);

  auto pixels = PixelData::Decode(file);
  REQUIRE(pixels.ok());
  const cv::Mat display = DisplayImage(*pixels, 0);
  corpus::ReadBack attacker;
  for (const std::string& line : text.lines) {
    corpus::Token token;
    token.text = line;
    token.box = cv::Rect(text.x, text.y, text.width, text.height);
    CHECK_MESSAGE(!attacker.Readable(display, token), "burned-in text still legible");
  }
  // Outside the filled boxes nothing changed; the findings never carry text.
  cv::Mat filled(pixels->rows(), pixels->columns(), CV_8U, cv::Scalar(0));
  for (const PixelFinding& f : report.findings) {
    if (f.redacted) cv::rectangle(filled, cv::Rect(f.x, f.y, f.width, f.height), 255, cv::FILLED);
    for (const std::string& token : manifest.phi_tokens) CHECK(f.reason.find(token) == std::string::npos);
  }
  const std::vector<uint8_t> after = Frames(file);
  for (int y = 0; y < pixels->rows(); ++y)
    for (int x = 0; x < pixels->columns(); ++x)
      if (!filled.at<uint8_t>(y, x))
        CHECK(std::memcmp(&before[(y * pixels->columns() + x) * 3], &after[(y * pixels->columns() + x) * 3], 3) == 0);
}

TEST_CASE("an image without text is left alone, bit for bit") {
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactAllText));
  for (const std::string& path :
       {Pydicom("CT_small.dcm"), Pydicom("MR_small_jpeg_ls_lossless.dcm"), Pydicom("693_J2KI.dcm")}) {
    CAPTURE(path);
    DicomFile file = LoadDicom(path);
    const std::string ts = file.transfer_syntax_uid();
    const std::vector<uint8_t> before = Frames(file);
    const CleanReport report = Clean(*cleaner, file, {});
    CHECK(report.has_pixels);
    CHECK_FALSE(report.pixels_changed);
    CHECK(file.transfer_syntax_uid() == ts);  // not rewritten
    CHECK(Frames(file) == before);
  }
}

// The benchmark's CT (bench/pixels_bench.sh): a noisy phantom shown through
// a soft-tissue window, where some display levels are hit twice as often as
// their neighbours. The search for faint lines by their rows once filled
// boxes in 5 of 200 such slices.
TEST_CASE("the benchmark's synthetic CT slices are left alone under redact-phi") {
  TempDir tmp;
  fixtures::ExportOptions options;
  options.bench_mode = true;
  options.ct_slices = 150;
  options.rows = options.cols = 512;
  const fixtures::ExportManifest manifest = fixtures::WriteSyntheticExport(tmp.File("in"), options);
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactPhi));
  int slices = 0, changed = 0;
  for (const std::string& path : manifest.dicom_files) {
    DicomFile file = LoadDicom(tmp.File("in/" + path));
    const anon::PhiTerms phi = anon::CollectPhiTerms(file.dataset());
    const CleanReport report = Clean(*cleaner, file, phi);
    ++slices;
    changed += report.pixels_changed;
  }
  CHECK(slices >= 150);
  CHECK(changed == 0);
}

TEST_CASE("known device regions are filled whatever the pixels show: the profile's first, then the library") {
  rules::PixelsConfig config = Config(rules::BurnedInMode::kRedactPhi);
  config.margin = 0;
  rules::DeviceRegions region;
  region.modality = "MR";
  region.rows = 64;
  region.boxes = {{0, 0, 20, 10}};
  region.origin = "pixels.regions[0] (line 9)";
  config.regions = {region};
  const auto cleaner = Cleaner(config);
  DicomFile mr = LoadDicom(Pydicom("MR_small.dcm"));
  CleanReport report = Clean(*cleaner, mr, {});
  REQUIRE(report.findings.size() >= 1);
  CHECK(report.findings[0].kind == "known_region");
  CHECK(report.findings[0].redacted);
  CHECK(report.findings[0].width == 20);
  CHECK(report.pixels_changed);
  auto pixels = PixelData::Decode(mr);
  REQUIRE(pixels.ok());
  int16_t lowest = INT16_MAX, corner = 0;
  for (size_t i = 0; i < pixels->frame_size(); i += 2) {
    int16_t v;
    std::memcpy(&v, pixels->frame(0).data() + i, 2);
    lowest = std::min(lowest, v);
  }
  std::memcpy(&corner, pixels->frame(0).data() + (5 * 64 + 5) * 2, 2);
  CHECK(corner == lowest);

  // The library: a CT screen capture of a GE workstation, 512 rows.
  DicomFile ct = LoadDicom(Pydicom("693_J2KI.dcm"));
  REQUIRE(ct.dataset().SetString({0x0008, 0x0070}, "GE MEDICAL SYSTEMS").ok());
  REQUIRE(ct.dataset().SetString({0x0028, 0x0301}, "YES").ok());
  const auto plain = Cleaner(Config(rules::BurnedInMode::kRedactAllText));
  report = Clean(*plain, ct, {});
  bool library = false;
  for (const PixelFinding& f : report.findings)
    library = library || (f.kind == "known_region" && f.reason.find("known region") == 0 && f.width >= 512);
  CHECK(library);
  CHECK(ct.transfer_syntax_uid() == "1.2.840.10008.1.2.1");  // J2K in, native out
}

TEST_CASE("a cine loop's annotation is filled in every frame; the palette layout is kept") {
  DicomFile echo = LoadDicom(Octave("US-PAL-8-10x-echo.dcm"));
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactAllText));
  const CleanReport report = Clean(*cleaner, echo, {});
  CHECK(report.frames == 10);
  CHECK(report.pixels_changed);
  CHECK(echo.dataset().GetString({0x0028, 0x0004}).value_or("") == "PALETTE COLOR");
  auto pixels = PixelData::Decode(echo);
  REQUIRE(pixels.ok());
  // The date "30 JAN 94" (left, y 30..42) is gone from every frame.
  corpus::ReadBack attacker;
  corpus::Token date;
  date.text = "JAN 94";
  date.box = cv::Rect(3, 30, 85, 12);
  for (int f : {0, 4, 9}) CHECK_FALSE(attacker.Readable(DisplayImage(*pixels, f), date));
  const cv::Mat first = DisplayImage(*pixels, 0), last = DisplayImage(*pixels, 9);
  for (const PixelFinding& fd : report.findings)
    if (fd.redacted) {
      const cv::Rect box(fd.x + 1, fd.y + 1, fd.width - 2, fd.height - 2);
      CHECK(cv::countNonZero(GreyImage(first)(box)) == 0);
      CHECK(cv::countNonZero(GreyImage(last)(box)) == 0);
    }
}

TEST_CASE("overlay bits hidden above the high bit are cleared and reported") {
  DicomFile ct = LoadDicom(Pydicom("CT_small.dcm"));
  REQUIRE(ct.dataset().SetString({0x0028, 0x0101}, "12").ok());
  REQUIRE(ct.dataset().SetString({0x0028, 0x0102}, "11").ok());
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactAllText));
  const CleanReport report = Clean(*cleaner, ct, {});
  bool overlay = false;
  for (const PixelFinding& f : report.findings) overlay = overlay || f.kind == "overlay_in_pixel_data";
  CHECK(overlay);
  CHECK(report.pixels_changed);
  auto pixels = PixelData::Decode(ct);
  REQUIRE(pixels.ok());
  CHECK(CountBitsAboveHighBit(*pixels, 0) == 0);
}

TEST_CASE("objects without pixels are not touched; undecodable pixels are an error") {
  const auto cleaner = Cleaner(Config(rules::BurnedInMode::kRedactPhi));
  DicomFile sr = LoadDicom(Pydicom("test-SR.dcm"));
  const CleanReport none = Clean(*cleaner, sr, {});
  CHECK_FALSE(none.has_pixels);
  CHECK(none.findings.empty());

  DicomFile broken = LoadDicom(Pydicom("JPEG2000-embedded-sequence-delimiter.dcm"));
  CleanRequest request;
  auto result = cleaner->Clean(broken, request);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == ErrorCode::kUnsupportedTransferSyntax);
}

TEST_CASE("cleaned images say so: BurnedInAnnotation NO and code 113101, once") {
  DicomFile file = LoadDicom(Pydicom("CT_small.dcm"));
  REQUIRE(file.dataset().SetString({0x0028, 0x0301}, "YES").ok());
  REQUIRE(PixelCleaner::MarkCleaned(file).ok());
  REQUIRE(PixelCleaner::MarkCleaned(file).ok());
  CHECK(file.dataset().GetString({0x0028, 0x0301}).value_or("") == "NO");
  const Tag sequence{0x0012, 0x0064};
  const std::vector<std::string> values = SequenceValues(file.dataset(), sequence, {0x0008, 0x0100});
  const std::vector<std::string> meanings = SequenceValues(file.dataset(), sequence, {0x0008, 0x0104});
  REQUIRE(std::count(values.begin(), values.end(), "113101") == 1);
  const size_t at = static_cast<size_t>(std::find(values.begin(), values.end(), "113101") - values.begin());
  CHECK(meanings[at] == "Clean Pixel Data Option");
  CHECK(SequenceValues(file.dataset(), sequence, {0x0008, 0x0102})[at] == "DCM");
}

TEST_CASE("the OCR engine is there when a redacting profile needs it") {
  CHECK(PixelCleaner::CheckAvailable(Config(rules::BurnedInMode::kQuarantineAtRisk)).ok());
  CHECK(PixelCleaner::CheckAvailable(Config(rules::BurnedInMode::kRedactPhi)).ok());
  auto missing = TesseractTextReader::Create("/nonexistent/tessdata");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("/nonexistent/tessdata") != std::string::npos);
}

// Every worker builds its own cleaner and screener when its first object
// arrives, so they are built at the same moment; setting OpenCV's thread
// count in each of them raced inside TBB (a crash one run in twelve).
TEST_CASE("cleaners and screeners built on many threads at once do not crash") {
  std::vector<std::thread> threads;
  std::atomic<int> built{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        PixelScreener screener;
        static const rules::PixelsConfig config = Config(rules::BurnedInMode::kQuarantineAtRisk);
        if (PixelCleaner::Create(config).ok()) ++built;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(built == 1600);
}
