// Issue 8, point 1: identifiers burned in where they were read back after
// cleaning (hard_cases_corpus.h): under research.yaml every PHI token ends
// unreadable - Tesseract, on the token's box and its line, and on the
// token's own intensity isolated, reads nothing of it - and with its stroke
// pixels changed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <opencv2/imgproc.hpp>

#include "anonymizer/phi_terms.h"
#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/pixel_cleaner.h"
#include "anonymizer/pixel/tesseract_text_reader.h"
#include "core/pixel_data.h"
#include "rules/profile_loader.h"
#include "tests/anonymizer/pixel/hard_cases_corpus.h"
#include "tests/anonymizer/pixel/read_back.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

// The grey level most of the token's strokes have in `grey`.
int InkLevel(const cv::Mat& grey, const corpus::Token& t) {
  int hist[256] = {0};
  for (int y = t.box.y; y < t.box.y + t.box.height; ++y)
    for (int x = t.box.x; x < t.box.x + t.box.width; ++x)
      if (t.ink.at<uint8_t>(y, x)) ++hist[grey.at<uint8_t>(y, x)];
  return static_cast<int>(std::max_element(hist, hist + 256) - hist);
}

// The attacker: the shared read-back, then the token's own intensity
// isolated (+-2 levels) and read as white on black.
struct Attacker {
  corpus::ReadBack back;
  std::unique_ptr<anon::pixel::TesseractTextReader> reader = anon::pixel::TesseractTextReader::Create().value();

  bool Reads(const cv::Mat& display, int ink, const corpus::Token& t) {
    if (back.Readable(display, t)) return true;
    const cv::Mat grey = anon::pixel::GreyImage(display);
    cv::Mat isolated;
    cv::inRange(grey, cv::Scalar(std::max(0, ink - 2)), cv::Scalar(std::min(255, ink + 2)), isolated);
    const cv::Rect image(0, 0, grey.cols, grey.rows);
    const int h = t.box.height;
    for (const cv::Rect& box : {t.box, cv::Rect(0, t.box.y - h / 2, grey.cols, h * 2) & image}) {
      auto read = reader->Read(isolated, box, anon::pixel::Polarity::kLight);
      if (read.ok() && corpus::TokenIn(read->text, t.text)) return true;
    }
    return false;
  }
};
struct Tally {
  int tokens = 0, legible_before = 0, read_after = 0, kept_strokes = 0;
  std::string misses;
};

// Cleans the images of the kinds named (Image::style starts with the kind)
// under research.yaml and attacks every PHI token.
Tally Evaluate(const std::vector<std::string>& kinds, int per_kind, unsigned seed) {
  TempDir tmp;
  if (std::getenv("RWD_CORPUS_SEED")) seed = static_cast<unsigned>(std::atoi(std::getenv("RWD_CORPUS_SEED")));
  const std::vector<corpus::Image> images = corpus::WriteHardCases(tmp.File("hard"), seed, per_kind);
  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  REQUIRE(profile.ok());
  auto cleaner = anon::pixel::PixelCleaner::Create(profile->pixels);
  REQUIRE(cleaner.ok());
  static Attacker attacker;
  Tally t;
  std::map<std::string, std::string> misses;
  for (const corpus::Image& im : images) {
    if (std::none_of(kinds.begin(), kinds.end(), [&](const std::string& k) { return im.style.rfind(k + ":", 0) == 0; }))
      continue;
    CAPTURE(im.file);
    const std::vector<uint8_t> bytes = ReadBytes(tmp.File("hard/" + im.file));
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
    auto report = (*cleaner)->Clean(*file, request);
    REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    auto after = PixelData::Decode(*file);
    REQUIRE(after.ok());
    const cv::Mat shown_before = anon::pixel::DisplayImage(*before, 0), shown_after = anon::pixel::DisplayImage(*after, 0);
    const cv::Mat grey_before = anon::pixel::GreyImage(shown_before);
    // Stroke pixels changed: compare the stored samples.
    const size_t px = before->samples_per_pixel() * before->bytes_per_sample();
    for (const corpus::Token& tk : im.tokens) {
      if (!tk.phi) continue;
      ++t.tokens;
      const int ink = InkLevel(grey_before, tk);
      t.legible_before += attacker.Reads(shown_before, ink, tk);
      int strokes = 0, changed = 0;
      for (int y = tk.box.y; y < tk.box.y + tk.box.height; ++y)
        for (int x = tk.box.x; x < tk.box.x + tk.box.width; ++x) {
          if (!tk.ink.at<uint8_t>(y, x)) continue;
          ++strokes;
          const size_t at = (static_cast<size_t>(y) * before->columns() + x) * px;
          changed += std::memcmp(before->frame(0).data() + at, after->frame(0).data() + at, px) != 0;
        }
      const bool kept = changed * 100 < strokes * 95;
      const bool read = attacker.Reads(shown_after, ink, tk);
      t.kept_strokes += kept;
      t.read_after += read;
      if (kept || read) {
        std::string why;
        for (const auto& f : report->findings)
          if ((cv::Rect(f.x, f.y, f.width, f.height) & tk.box).area() > 0) why += " [" + f.reason + "]";
        misses[im.file + " " + tk.kind + " " + std::to_string(tk.box.x) + "," + std::to_string(tk.box.y)] =
            std::string(read ? "READ " : "") + (kept ? "strokes kept (" : "(") + std::to_string(changed) + "/" +
            std::to_string(strokes) + " changed) " + im.style + why;
      }
    }
  }
  for (const auto& [k, v] : misses) t.misses += "\n  " + k + ": " + v;
  return t;
}

std::string Summary(const Tally& t) {
  return std::to_string(t.tokens) + " PHI tokens, " + std::to_string(t.legible_before) + " legible before; after: " +
         std::to_string(t.read_after) + " read, " + std::to_string(t.kept_strokes) + " with strokes kept" + t.misses;
}

}  // namespace

// Two corpora (seeds): fonts, sizes, slices and places differ between them.
TEST_CASE("issue 8.1: serif over anatomy, bold text on MR, institution lines on RGB, bold mono dates on CT end unreadable") {
  for (unsigned seed : {8u, 10u}) {
    CAPTURE(seed);
    const Tally t = Evaluate({"serif-over-anatomy", "bold-mr", "institution-rgb", "mono-date-ct"}, 6, seed);
    MESSAGE("seed " << seed << ": " << Summary(t));
    CHECK(t.tokens >= 60);
    CHECK(t.legible_before * 10 >= t.tokens * 8);  // the corpus is legible to begin with
    CHECK(t.read_after == 0);
    CHECK(t.kept_strokes == 0);
  }
}

// Faint text over anatomy (+3..10 display levels, DejaVu and Hershey faces,
// several places). Three corpora: seed 8 first showed it; in seeds 13 and
// 23 the +3-level anti-aliased line, whose ink is also a level of the
// white matter under it, is found only by its rows (ink_lines.h), and a
// region the detector found over it with another ink must not hide it.
TEST_CASE("issue 8.1: low-contrast text ends unreadable") {
  for (unsigned seed : {8u, 13u, 23u}) {
    CAPTURE(seed);
    const Tally t = Evaluate({"low-contrast"}, 8, seed);
    MESSAGE("seed " << seed << ": " << Summary(t));
    CHECK(t.legible_before * 10 >= t.tokens * 5);
    CHECK(t.read_after == 0);
    CHECK(t.kept_strokes == 0);
  }
}
