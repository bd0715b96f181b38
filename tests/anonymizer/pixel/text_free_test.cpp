// Issue 8, point 2: under research.yaml (redact-phi), images that carry no
// text come out with not one pixel changed, on >= 300 real text-free slices
// (text_free_corpus.h: ch2 head MR with its face, CT, MR, US, SC, RT Dose).
// Before the fix: a CT dose-report known-region rule filled RT Dose grids.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "anonymizer/phi_terms.h"
#include "anonymizer/pixel/pixel_cleaner.h"
#include "core/pixel_data.h"
#include "rules/profile_loader.h"
#include "tests/anonymizer/pixel/text_free_corpus.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

TEST_CASE("issue 8.2: research.yaml changes no pixel of >= 300 real text-free slices") {
  TempDir tmp;
  const std::vector<corpus::PlainObject> objects = corpus::WriteTextFree(tmp.File("plain"), std::getenv("RWD_TEXT_FREE_STRIDE") ? std::atoi(std::getenv("RWD_TEXT_FREE_STRIDE")) : 1);
  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  REQUIRE(profile.ok());
  auto cleaner = anon::pixel::PixelCleaner::Create(profile->pixels);
  REQUIRE_MESSAGE(cleaner.ok(), cleaner.status().ToString());
  int slices = 0, changed_slices = 0;
  std::map<std::string, int> per_kind, changed_per_kind;
  std::string failures;
  for (const corpus::PlainObject& o : objects) {
    CAPTURE(o.path);
    const std::vector<uint8_t> bytes = ReadBytes(o.path);
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
    int changed = 0;
    for (int f = 0; f < before->frames(); ++f)
      changed += std::memcmp(before->frame(f).data(), after->frame(f).data(), before->frame_size()) != 0;
    CHECK(changed == (report->pixels_changed ? changed : 0));
    slices += o.frames;
    per_kind[o.kind] += o.frames;
    changed_slices += changed;
    changed_per_kind[o.kind] += changed;
    if (changed || report->pixels_changed) {
      failures += "\n  " + o.kind + " " + o.path.substr(o.path.rfind('/') + 1) + ":";
      for (const auto& f : report->findings)
        if (f.redacted)
          failures += " [" + f.kind + " " + std::to_string(f.x) + "," + std::to_string(f.y) + " " +
                      std::to_string(f.width) + "x" + std::to_string(f.height) + " " + f.reason + "]";
    }
  }
  std::string summary = std::to_string(slices) + " text-free slices, " + std::to_string(changed_slices) + " changed:";
  for (const auto& [kind, n] : per_kind)
    summary += " " + kind + " " + std::to_string(changed_per_kind[kind]) + "/" + std::to_string(n) + ";";
  MESSAGE(summary << failures);
  CHECK(slices >= 300);
  CHECK(per_kind["RTDOSE"] > 0);
  CHECK(per_kind["US"] > 0);
  CHECK(changed_slices == 0);
}
