// The acceptance measure on the generated corpus (burned_in_corpus.h):
// after cleaning, Tesseract reads back no rendered PHI token (recall of
// redaction >= 99 % of tokens), and >= 98 % of the images without text have
// no pixel changed. Pixels outside the filled boxes are unchanged bit for bit.
// Tokens whose every glyph pixel was filled are not read again (a uniform box
// has nothing to read); all others are, by the same OCR engine, on the box and
// on the whole line, as one line, as a block and in both polarities.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <opencv2/imgproc.hpp>

#include "anonymizer/phi_terms.h"
#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/pixel_cleaner.h"
#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/anonymizer/pixel/burned_in_corpus.h"
#include "tests/anonymizer/pixel/read_back.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;
using anon::pixel::PixelCleaner;

namespace {

struct Tally {
  int phi_tokens = 0, phi_readable_before = 0, phi_read_after = 0, phi_uncovered = 0;
  int other_tokens = 0, other_kept = 0;
  int plain_images = 0, plain_changed = 0;
  int text_images = 0;
  double ms_text = 0, ms_plain = 0;
  std::vector<std::string> misses;
};

cv::Mat Union(const anon::pixel::CleanReport& report, cv::Size size) {
  cv::Mat m(size, CV_8U, cv::Scalar(0));
  for (const auto& f : report.findings)
    if (f.redacted && f.kind != "overlay_in_pixel_data")
      cv::rectangle(m, cv::Rect(f.x, f.y, f.width, f.height), 255, cv::FILLED);
  return m;
}

// Every sample outside `filled` is the same in both.
bool SameOutside(const PixelData& a, const PixelData& b, const cv::Mat& filled) {
  if (a.frames() != b.frames() || a.frame_size() != b.frame_size()) return false;
  const size_t pixel = a.samples_per_pixel() * a.bytes_per_sample();
  for (int f = 0; f < a.frames(); ++f)
    for (int y = 0; y < a.rows(); ++y)
      for (int x = 0; x < a.columns(); ++x) {
        if (filled.at<uint8_t>(y, x)) continue;
        const size_t at = (static_cast<size_t>(y) * a.columns() + x) * pixel;
        if (std::memcmp(a.frame(f).data() + at, b.frame(f).data() + at, pixel) != 0) return false;
      }
  return true;
}

void Run(const std::vector<corpus::Image>& images, const std::string& dir, rules::BurnedInMode mode,
         corpus::ReadBack& attacker, const std::map<std::string, bool>& readable_before, Tally& t) {
  rules::PixelsConfig config;
  config.burned_in = mode;
  auto cleaner = PixelCleaner::Create(config);
  REQUIRE_MESSAGE(cleaner.ok(), cleaner.status().ToString());
  for (const corpus::Image& im : images) {
    CAPTURE(im.file);
    CAPTURE(im.style);
    const std::vector<uint8_t> bytes = ReadBytes(dir + "/" + im.file);
    auto original = DicomFile::Parse(bytes);
    auto file = DicomFile::Parse(bytes);
    REQUIRE(original.ok());
    REQUIRE(file.ok());
    auto before = PixelData::Decode(*original);
    REQUIRE(before.ok());
    const anon::PhiTerms phi = anon::CollectPhiTerms(original->dataset());
    anon::pixel::CleanRequest request;
    request.phi = &phi;
    request.original_header = [&](Tag tag) { return original->dataset().GetString(tag); };

    const auto start = std::chrono::steady_clock::now();
    auto report = (*cleaner)->Clean(*file, request);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    auto written = file->Serialize();
    REQUIRE(written.ok());
    auto reread = DicomFile::Parse(*written);
    REQUIRE(reread.ok());
    auto after = PixelData::Decode(*reread);
    REQUIRE(after.ok());
    const cv::Mat filled = Union(*report, cv::Size(im.columns, im.rows));
    CHECK_MESSAGE(SameOutside(*before, *after, filled), "a pixel outside the filled boxes changed");

    if (!im.has_text) {
      ++t.plain_images;
      t.ms_plain += ms;
      if (report->pixels_changed) {
        ++t.plain_changed;
        t.misses.push_back("false positive: " + im.file);
      }
      continue;
    }
    ++t.text_images;
    t.ms_text += ms;
    const cv::Mat first = anon::pixel::DisplayImage(*after, 0);
    const cv::Mat last = anon::pixel::DisplayImage(*after, after->frames() - 1);
    for (const corpus::Token& token : im.tokens) {
      const int ink = cv::countNonZero(token.ink);
      cv::Mat inside;
      cv::bitwise_and(token.ink, filled, inside);
      const bool covered = cv::countNonZero(inside) >= ink * 95 / 100;
      if (!token.phi) {
        ++t.other_tokens;
        t.other_kept += !covered;
        continue;
      }
      ++t.phi_tokens;
      t.phi_readable_before += readable_before.at(im.file + "|" + token.text);
      // Every glyph pixel replaced by one fill value: nothing left to read.
      // Otherwise the attacker tries (first and last frame of a cine).
      const bool all_filled = cv::countNonZero(inside) == ink;
      const bool read =
          !all_filled && (attacker.Readable(first, token) || (after->frames() > 1 && attacker.Readable(last, token)));
      t.phi_read_after += read;
      t.phi_uncovered += !covered;
      if (read || !covered)
        t.misses.push_back(std::string(read ? "READ BACK " : "not covered ") + token.kind + " in " + im.file + " (" +
                           im.style + ")");
    }
  }
}

std::string Summary(const char* mode, const Tally& t) {
  char buf[1024];
  std::snprintf(
      buf, sizeof buf,
      "%s: %d PHI tokens in %d text images (%d readable by Tesseract before cleaning); after: %d read back "
      "-> recall %.2f %%; %d not fully covered -> coverage %.2f %%; %d/%d non-PHI tokens kept; "
      "false positives %d of %d text-free images = %.2f %%; %.1f ms per text image, %.1f ms per text-free image",
      mode, t.phi_tokens, t.text_images, t.phi_readable_before, t.phi_read_after,
      100.0 * (t.phi_tokens - t.phi_read_after) / std::max(1, t.phi_tokens), t.phi_uncovered,
      100.0 * (t.phi_tokens - t.phi_uncovered) / std::max(1, t.phi_tokens), t.other_kept, t.other_tokens,
      t.plain_changed, t.plain_images, 100.0 * t.plain_changed / std::max(1, t.plain_images),
      t.ms_text / std::max(1, t.text_images), t.ms_plain / std::max(1, t.plain_images));
  std::string s = buf;
  for (const std::string& m : t.misses) s += "\n  " + m;
  return s;
}

}  // namespace

TEST_CASE("burned-in corpus: no PHI token can be read back, text-free images stay untouched") {
  TempDir tmp;
  const std::string dir = tmp.File("corpus");
  corpus::Options options;
  // Another corpus of the same kind: RWD_CORPUS_SEED=n pixel_test.
  if (const char* seed = std::getenv("RWD_CORPUS_SEED")) options.seed = static_cast<unsigned>(std::atoi(seed));
  const std::vector<corpus::Image> images = corpus::Write(dir, options);
  corpus::ReadBack attacker;

  // What the attacker reads before cleaning: the tokens are legible.
  std::map<std::string, bool> readable_before;
  for (const corpus::Image& im : images) {
    if (!im.has_text) continue;
    auto file = DicomFile::Parse(ReadBytes(dir + "/" + im.file));
    REQUIRE(file.ok());
    auto pixels = PixelData::Decode(*file);
    REQUIRE(pixels.ok());
    const cv::Mat display = anon::pixel::DisplayImage(*pixels, 0);
    for (const corpus::Token& token : im.tokens)
      readable_before[im.file + "|" + token.text] = token.phi && attacker.Readable(display, token);
  }

  Tally phi, all;
  Run(images, dir, rules::BurnedInMode::kRedactPhi, attacker, readable_before, phi);
  Run(images, dir, rules::BurnedInMode::kRedactAllText, attacker, readable_before, all);
  const std::string report = Summary("redact-phi", phi) + "\n" + Summary("redact-all-text", all);
  MESSAGE(report);
  std::printf("%s\n", report.c_str());
  for (const Tally* t : {&phi, &all}) {
    CHECK(t->phi_tokens >= 200);
    CHECK(t->plain_images >= 50);
    CHECK(t->phi_readable_before * 10 >= t->phi_tokens * 8);  // the corpus is legible to begin with
    CHECK(100 * (t->phi_tokens - t->phi_read_after) >= 99 * t->phi_tokens);
    CHECK(100 * t->plain_changed <= 2 * t->plain_images);
  }
  // redact-phi keeps much of the text that is not PHI. The corpus draws it
  // as the last line of the patient block, and since issue 8.1 a line next
  // to a redacted identifier is part of its label block (filled unless it
  // reads as technical: kV, W/L, gain, mm), so not all of it.
  CHECK(phi.other_kept * 5 >= phi.other_tokens * 2);
}
