// Real DICOM files from Debian's test data, with unique PHI tokens injected
// into every text attribute Table E.1-1 names, into free text, three levels
// deep in sequences and into a private block: under every shipped profile no
// token survives the header de-identifier, and every attribute the profile
// keeps is unchanged.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "anonymizer/header_deidentifier.h"
#include "core/text_codec.h"
#include "rules/profile_loader.h"
#include "rules/rule_resolver.h"
#include "rules/standard_tables.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

const std::vector<std::string>& RealFiles() {
  static const std::vector<std::string> files = [] {
    const std::string pyd = RWD_PYDICOM_TEST_FILES, cs = RWD_PYDICOM_TEST_FILES "/../charset_files",
                      oct = RWD_OCTAVE_IMDATA, nib = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data";
    return std::vector<std::string>{
        pyd + "/CT_small.dcm",  pyd + "/MR_small.dcm",     pyd + "/rtplan.dcm",        pyd + "/rtdose.dcm",
        pyd + "/rtstruct.dcm",  pyd + "/test-SR.dcm",      pyd + "/MR_small_bigendian.dcm",
        cs + "/chrFren.dcm",    cs + "/chrGerm.dcm",       cs + "/chrRuss.dcm",        cs + "/chrGreek.dcm",
        cs + "/chrArab.dcm",    cs + "/chrHbrw.dcm",       cs + "/chrJapMulti.dcm",    cs + "/chrH31.dcm",
        cs + "/chrKoreanMulti.dcm", cs + "/chrX1.dcm",     cs + "/chrSQEncoding.dcm",  oct + "/CT-MONO2-16-ankle.dcm",
        oct + "/rtstruct.dcm",  nib + "/0.dcm"};
  }();
  return files;
}

bool IsText(const std::string& vr) {
  for (const char* t : {"PN", "LO", "SH", "LT", "ST", "UT", "UC"})
    if (vr == t) return true;
  return false;
}

struct Injected {
  std::set<std::string> tokens;  // must not survive unless kept
  std::map<uint32_t, std::string> kept_before;  // top-level tag -> value the profile keeps
};

// Plants tokens. Attributes the profile cleans get only the object's own
// identifiers in their text (cleaning removes those, not arbitrary words).
Injected Inject(DicomFile& f, const rules::Profile& profile, int& counter) {
  Injected in;
  DicomItem ds = f.dataset();
  auto tok = [&](const std::string& kind) {
    std::string t = "TOK" + kind + std::to_string(100000 + counter++) + "Q";
    in.tokens.insert(t);
    return t;
  };
  const std::string family = tok("FAM"), given = tok("GIV"), pid = tok("PID"), acc = tok("ACC");
  ds.SetString({0x0010, 0x0010}, family + "^" + given);
  ds.SetString({0x0010, 0x0020}, pid);
  ds.SetString({0x0008, 0x0050}, acc);
  ds.SetString({0x0010, 0x0030}, "19750314");
  const std::string identity_text = "Exam of " + given + " " + family + " (ID " + pid + ", acc " + acc + ") 14.03.1975";

  rules::RuleResolver resolver(profile);
  for (const rules::E11Row& row : rules::E11Rows()) {
    if (row.kind != rules::E11Kind::kExact || row.group == 0x0000 || row.group == 0x0002) continue;
    const Tag t = row.tag();
    const std::string vr = DictionaryVr(t);
    if (!IsText(vr) || t == Tag{0x0010, 0x0010} || t == Tag{0x0010, 0x0020} || t == Tag{0x0008, 0x0050}) continue;
    const auto kind = resolver.Resolve(t, vr, "").action.kind;
    if (kind == rules::ActionKind::kKeep) continue;  // kept on purpose: not PHI by this profile
    const std::string value = kind == rules::ActionKind::kClean ? identity_text : tok("E");
    ds.SetString(t, vr == "SH" ? value.substr(0, 16) : value);
  }
  // Three levels deep: RequestAttributesSequence > ScheduledProtocolCodeSequence > ProtocolContextSequence.
  auto l1 = ds.AppendSequenceItem({0x0040, 0x0275});
  l1->SetString({0x0040, 0x1001}, tok("RP"));
  auto l2 = l1->AppendSequenceItem({0x0040, 0x0008});
  l2->SetString({0x0008, 0x0100}, "P1");
  l2->SetString({0x0008, 0x0102}, "99X");
  l2->SetString({0x0008, 0x0104}, "protocol");
  auto l3 = l2->AppendSequenceItem({0x0040, 0x0440});
  // A cleaned TextValue keeps its words: only the object's identifiers may be in it.
  // (Text inside a sequence the profile cleans is cleaned, whatever its own row says.)
  const bool tv_cleaned = resolver.Resolve({0x0040, 0x0275}, "SQ", "").action.kind == rules::ActionKind::kClean ||
                          resolver.Resolve({0x0040, 0xA160}, "UT", "").action.kind == rules::ActionKind::kClean;
  l3->SetString({0x0040, 0xA160}, tv_cleaned ? identity_text : tok("TV"));
  l3->SetString({0x0040, 0xA123}, tok("PN") + "^" + tok("PN"));
  // A sequence that is kept and recursed (U): identifying attributes inside it must go too.
  auto ref = ds.AppendSequenceItem({0x0008, 0x1140});
  ref->SetString({0x0008, 0x1150}, "1.2.840.10008.5.1.4.1.1.2");
  ref->SetString({0x0008, 0x1155}, "1.2.3.4.5.6.7.8.9");
  ref->SetString({0x0010, 0x0010}, tok("NESTED") + "^X");
  ref->SetString({0x0008, 0x0080}, tok("NESTED"));
  // A private block with text.
  ds.SetString({0x0009, 0x0010}, "RWDTEST PRIVATE");
  ds.SetString({0x0009, 0x1001}, tok("PRIV"));
  // Multi-valued.
  ds.SetString({0x0010, 0x1000}, tok("OID") + "\\" + tok("OID"));
  ds.SetString({0x0008, 0x1070}, tok("OP") + "^A\\" + tok("OP") + "^B");

  // What the profile keeps at top level must come out unchanged.
  ds.Walk([&](ElementRef& e) {
    if (e.is_sequence() || e.tag().IsPrivate() || e.tag().group == 0x7FE0) return DicomItem::Visit::kKeep;
    const auto& r = resolver.Resolve(e.tag(), e.vr(), e.private_creator());
    if (r.action.kind == rules::ActionKind::kKeep && IsText(e.vr()))
      if (auto v = e.GetString(); v.ok()) in.kept_before[e.tag().key()] = *v;
    return DicomItem::Visit::kKeep;
  });
  return in;
}

}  // namespace

TEST_CASE("no injected PHI token survives any shipped profile; kept attributes are unchanged") {
  const std::vector<uint8_t> key(32, 7);
  anon::KeyedIds ids(key);
  int counter = 0, objects = 0;
  for (const std::string name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE(profile.ok());
    anon::HeaderDeidentifier deid(*profile, ids);
    for (const std::string& path : RealFiles()) {
      CAPTURE(name);
      CAPTURE(path);
      REQUIRE_MESSAGE(fs::exists(path), "missing test data: run scripts/install-deps.sh");
      auto parsed = DicomFile::Parse(ReadBytes(path));
      REQUIRE(parsed.ok());
      DicomFile& f = *parsed;
      const std::string charset_before = f.dataset().GetString({0x0008, 0x0005}).value_or("");
      Injected in = Inject(f, *profile, counter);
      auto r = deid.Apply(f);
      // Japanese ISO 2022 (IR 87) included: decoded with ICU, cleaned, released.
      REQUIRE_MESSAGE(r.ok(), r.status().message());
      auto bytes = f.Serialize();
      REQUIRE(bytes.ok());
      const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
      for (const std::string& t : in.tokens) CHECK_MESSAGE(text.find(t) == std::string_view::npos, t, " survives");
      // Kept attributes: same text (same bytes unless the object had to go to UTF-8).
      const std::string charset_after = f.dataset().GetString({0x0008, 0x0005}).value_or("");
      for (const auto& [key_tag, before] : in.kept_before) {
        const Tag t{static_cast<uint16_t>(key_tag >> 16), static_cast<uint16_t>(key_tag & 0xFFFF)};
        if (t == Tag{0x0008, 0x0005}) continue;
        auto after = f.dataset().GetString(t);
        REQUIRE_MESSAGE(after.has_value(), t.ToString(), " kept but gone");
        if (charset_after == charset_before) CHECK_MESSAGE(*after == before, t.ToString(), " changed");
        else CHECK_MESSAGE(*after == TextCodec::Create(charset_before).value()->ToUtf8(before, DictionaryVr(t) == "PN").value(),
                           t.ToString());
      }
      CHECK(f.dataset().GetString({0x0012, 0x0062}).value_or("") == "YES");
      ++objects;
    }
  }
  CHECK(objects == 3 * static_cast<int>(RealFiles().size()));
}

TEST_CASE("cleaned free text keeps its words and its character set") {
  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  REQUIRE(profile.ok());
  anon::KeyedIds ids(std::vector<uint8_t>(32, 1));
  anon::HeaderDeidentifier deid(*profile, ids);
  // Latin-1 (ISO_IR 100): the name has a non-ASCII letter; the description mentions it.
  auto f = DicomFile::Parse(ReadBytes(RWD_PYDICOM_TEST_FILES "/../charset_files/chrFren.dcm"));
  REQUIRE(f.ok());
  const std::string name = f->dataset().GetString({0x0010, 0x0010}).value();  // Latin-1 bytes
  const std::string family = name.substr(0, name.find('^'));
  REQUIRE(family.size() >= 3);
  f->dataset().SetString({0x0008, 0x1030}, "IRM cerebrale " + family + " controle");
  REQUIRE(deid.Apply(*f).ok());
  const std::string desc = f->dataset().GetString({0x0008, 0x1030}).value();
  CHECK(desc.find(family) == std::string::npos);
  CHECK(desc.find("IRM cerebrale") != std::string::npos);
  CHECK(desc.find("controle") != std::string::npos);
  CHECK(f->dataset().GetString({0x0008, 0x0005}).value() == "ISO_IR 100");

  // ISO 2022 with escape sequences (Korean): cleaned in UTF-8; the object is converted to ISO_IR 192.
  auto j = DicomFile::Parse(ReadBytes(RWD_PYDICOM_TEST_FILES "/../charset_files/chrKoreanMulti.dcm"));
  REQUIRE(j.ok());
  REQUIRE(deid.Apply(*j).ok());
  CHECK(j->dataset().GetString({0x0008, 0x0005}).value() == "ISO_IR 192");
}
