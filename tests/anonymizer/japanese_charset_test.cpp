// Issue 8, point 6: objects in Japanese ISO 2022 (IR 87 JIS X 0208, IR 159
// JIS X 0212, with IR 13 katakana) were quarantined under every profile that
// cleans text, because Debian's DCMTK converts through iconv, which has no
// JIS X 0208. They are now decoded with ICU (core/iso2022_japanese.h),
// cleaned and released as ISO_IR 192, on pydicom's real Japanese files.
#include <doctest/doctest.h>

#include <string>

#include "anonymizer/header_deidentifier.h"
#include "core/iso2022_japanese.h"
#include "core/text_codec.h"
#include "rules/profile_loader.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {
const std::string kCharsets = RWD_PYDICOM_TEST_FILES "/../charset_files/";
}

TEST_CASE("issue 8.6: Japanese ISO 2022 decodes as the standard's examples say (PS3.5 Annex H)") {
  // chrH31: Yamada^Tarou=<kanji>=<hiragana>, PS3.5 H.3.1.
  auto h31 = DicomFile::Parse(ReadBytes(kCharsets + "chrH31.dcm"));
  REQUIRE_MESSAGE(h31.ok(), "missing test data: run scripts/install-deps.sh");
  const std::string cs31 = h31->dataset().GetString({0x0008, 0x0005}).value();
  CHECK(IsJapaneseIso2022(cs31));
  auto name31 = DecodeJapaneseIso2022(h31->dataset().GetString({0x0010, 0x0010}).value(), cs31, true);
  REQUIRE_MESSAGE(name31.ok(), name31.status().message());
  CHECK(*name31 == "Yamada^Tarou=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E=\xE3\x82\x84\xE3\x81\xBE\xE3\x81\xA0^"
                   "\xE3\x81\x9F\xE3\x82\x8D\xE3\x81\x86");
  // chrH32: half-width katakana (IR 13 as value 1) then JIS X 0208, H.3.2.
  auto h32 = DicomFile::Parse(ReadBytes(kCharsets + "chrH32.dcm"));
  REQUIRE(h32.ok());
  auto codec = TextCodec::Create(h32->dataset().GetString({0x0008, 0x0005}).value());
  REQUIRE(codec.ok());
  auto name32 = (*codec)->ToUtf8(h32->dataset().GetString({0x0010, 0x0010}).value(), true);
  REQUIRE_MESSAGE(name32.ok(), name32.status().message());
  CHECK(name32->rfind("\xEF\xBE\x94\xEF\xBE\x8F\xEF\xBE\x80\xEF\xBE\x9E^", 0) == 0);  // ﾔﾏﾀﾞ^
  CHECK(name32->find("=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E=") != std::string::npos);  // =山田^太郎=
  // JIS X 0212 (IR 159): a code of its first row, and garbage refused.
  auto x0212 = DecodeJapaneseIso2022("\x1b$(D\x30\x21\x1b(B", "\\ISO 2022 IR 159", false);
  REQUIRE(x0212.ok());
  CHECK(*x0212 == "\xE4\xB8\x82");
  CHECK_FALSE(DecodeJapaneseIso2022("\x1b$Z!!", "\\ISO 2022 IR 87", false).ok());
  CHECK_FALSE(DecodeJapaneseIso2022("\x1b$B!", "\\ISO 2022 IR 87", false).ok());
}

TEST_CASE("issue 8.6: Japanese objects are cleaned and released as UTF-8 under research.yaml, not quarantined") {
  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  REQUIRE(profile.ok());
  anon::KeyedIds ids(std::vector<uint8_t>(32, 5));
  anon::HeaderDeidentifier deid(*profile, ids);
  int released = 0;
  for (const char* file : {"chrH31.dcm", "chrH32.dcm", "chrJapMulti.dcm", "chrJapMultiExplicitIR6.dcm",
                           "chrSQEncoding1.dcm", "chrSQEncoding.dcm"}) {
    CAPTURE(std::string(file));
    auto f = DicomFile::Parse(ReadBytes(kCharsets + file));
    REQUIRE(f.ok());
    DicomItem ds = f->dataset();
    const std::string charset = ds.GetString({0x0008, 0x0005}).value_or("");
    // The patient's name, in the object's own encoding, typed into a description.
    const std::string name = ds.GetString({0x0010, 0x0010}).value_or("");
    auto utf8_name = TextCodec::Create(charset).value()->ToUtf8(name, true);
    REQUIRE_MESSAGE(utf8_name.ok(), utf8_name.status().message());
    const std::string kanji_family = "\xE5\xB1\xB1\xE7\x94\xB0";  // 山田
    const bool has_kanji = utf8_name->find(kanji_family) != std::string::npos;
    if (has_kanji) REQUIRE(ds.SetString({0x0008, 0x1030}, "MRI \x1b$B;3ED\x1b(B head").ok());  // MRI 山田 head
    auto r = deid.Apply(*f);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(ds.GetString({0x0008, 0x0005}).value_or("") == "ISO_IR 192");
    auto bytes = f->Serialize();
    REQUIRE(bytes.ok());
    const std::string_view out(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    if (!name.empty()) CHECK(out.find(name) == std::string_view::npos);
    CHECK(out.find("\x1b$B") == std::string_view::npos);  // no ISO 2022 left anywhere
    if (has_kanji) {
      const std::string desc = ds.GetString({0x0008, 0x1030}).value_or("");
      CHECK(desc.find(kanji_family) == std::string::npos);
      CHECK(desc.find("MRI") != std::string::npos);
      CHECK(desc.find("head") != std::string::npos);
    }
    ++released;
  }
  CHECK(released == 6);
}
