// The residual-PHI gate (gateway/gate): objects whose de-identification was
// broken on purpose are caught, with a finding that names the tag path and
// the kind of value and never the value; objects de-identified normally pass.
// The gate gets the original and the released bytes directly.
#include <doctest/doctest.h>

#include <filesystem>

#include "anonymizer/header_deidentifier.h"
#include "core/dicom_file.h"
#include "gateway/gate/residual_phi_gate.h"
#include "gateway/gate/text_fold.h"
#include "rules/profile_loader.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/gateway/private_element.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::gateway::gate;
using namespace rwd::testing;
namespace fs = std::filesystem;

namespace {

const std::vector<uint8_t> kKey(32, 9);

rules::Profile Shipped(const std::string& name) {
  auto p = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  return std::move(p).value();
}

rules::Profile WithRules(const std::string& base, const std::string& extra_yaml) {
  const std::string text = ReadText(std::string(RWD_SOURCE_DIR) + "/profiles/" + base) + extra_yaml;
  auto p = rules::ParseProfile(text, "test.yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  return std::move(p).value();
}

DicomFile Parse(const std::vector<uint8_t>& bytes) {
  auto f = DicomFile::Parse(bytes);
  REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  return std::move(f).value();
}

// A CT slice from Debian's pydicom data with synthetic identifiers.
std::vector<uint8_t> SyntheticOriginal() {
  DicomFile f = Parse(ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/CT_small.dcm"));
  DicomItem ds = f.dataset();
  REQUIRE(ds.SetString({0x0010, 0x0010}, "Quimby^Hortensia^Beatrix").ok());
  REQUIRE(ds.SetString({0x0010, 0x0020}, "MRN7734521").ok());
  REQUIRE(ds.SetString({0x0010, 0x0030}, "19750314").ok());
  REQUIRE(ds.SetString({0x0008, 0x0050}, "ACC99812377").ok());
  REQUIRE(ds.SetString({0x0008, 0x0090}, "Vantongeren^Osric").ok());
  REQUIRE(ds.SetString({0x0008, 0x1070}, "Pemberly^Tobias").ok());
  REQUIRE(ds.SetString({0x0008, 0x0080}, "Saint Elsewhere Clinic").ok());
  REQUIRE(ds.SetString({0x0008, 0x1030}, "CT THORAX").ok());
  auto bytes = f.Serialize();
  REQUIRE(bytes.ok());
  return *bytes;
}

// De-identifies `original` under `profile`; then `breakit` damages the
// result the way a de-identifier bug would; returns the released bytes.
std::vector<uint8_t> Release(const std::vector<uint8_t>& original, const rules::Profile& profile,
                             const std::function<void(DicomItem)>& breakit = {}) {
  anon::KeyedIds ids(kKey);
  anon::HeaderDeidentifier deid(profile, ids);
  DicomFile f = Parse(original);
  auto r = deid.Apply(f);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  if (breakit) breakit(f.dataset());
  auto bytes = f.Serialize();
  REQUIRE(bytes.ok());
  return *bytes;
}

GateResult Gate(const std::vector<uint8_t>& original, const std::vector<uint8_t>& released,
                const rules::Profile& profile) {
  const OriginalIdentifiers ids = CollectIdentifiers(Parse(original));
  return Scan(ids, released, GateOptionsFor(profile));
}

bool HasHit(const GateResult& r, const std::string& path, IdentifierKind kind) {
  for (const GateHit& h : r.hits)
    if (h.path == path && h.kind == kind) return true;
  return false;
}

std::string Hits(const GateResult& r) {
  std::string s = r.status.ok() ? "" : r.status.message() + "; ";
  for (const GateHit& h : r.hits) s += h.ToString() + "; ";
  return s;
}

}  // namespace

TEST_CASE("text folding: case-insensitive across Latin, Greek and Cyrillic; other bytes unchanged") {
  CHECK(FoldCase("MÜLLER Jérôme ÆSIR") == "müller jérôme æsir");
  CHECK(FoldCase("ΔΙΟΝΥΣΙΟΣ") == "διονυσιοσ");
  CHECK(FoldCase("διονυσιος") == "διονυσιοσ");  // final sigma
  CHECK(FoldCase("ЛЮКСЕМБУРГ") == "люксембург");
  CHECK(FoldCase("山田^太郎") == "山田^太郎");
  CHECK(FoldCase("\xC9TIENNE") == "\xC9tienne");  // Latin-1 bytes read raw: ASCII still folded
}

TEST_CASE("collected identifiers: every name component, IDs, birth date spellings, UIDs") {
  const OriginalIdentifiers ids = CollectIdentifiers(Parse(SyntheticOriginal()));
  auto has = [&](IdentifierKind k, const std::string& text) {
    for (const Identifier& i : ids.terms)
      if (i.kind == k && i.text == text) return true;
    return false;
  };
  CHECK(has(IdentifierKind::kPatientName, "quimby"));
  CHECK(has(IdentifierKind::kPatientName, "hortensia"));
  CHECK(has(IdentifierKind::kPatientName, "beatrix"));
  CHECK(has(IdentifierKind::kPatientId, "mrn7734521"));
  CHECK(has(IdentifierKind::kAccession, "acc99812377"));
  CHECK(has(IdentifierKind::kPersonName, "vantongeren"));
  CHECK(has(IdentifierKind::kPersonName, "pemberly"));
  CHECK(has(IdentifierKind::kInstitution, "saint elsewhere clinic"));
  for (const char* d : {"19750314", "1975-03-14", "14.03.1975", "14/03/1975", "03/14/1975", "14 mar 1975",
                        "march 14, 1975", "14-mar-1975", "14.3.1975"})
    CHECK_MESSAGE(has(IdentifierKind::kBirthDate, d), d);
  bool study_uid = false;
  const std::string study = Parse(SyntheticOriginal()).dataset().GetString({0x0020, 0x000D}).value();
  for (const Identifier& u : ids.uids) study_uid |= u.text == study;
  CHECK(study_uid);
  for (const Identifier& u : ids.uids) CHECK(u.text.rfind("1.2.840.10008.", 0) != 0);  // class UIDs are not identifying
}

TEST_CASE("an override that keeps a name-bearing private tag: quarantined, the tag path named") {
  const std::vector<uint8_t> original =
      WithPrivateElement(SyntheticOriginal(), 0x0009, "RWDTEST PRIVATE", 0x01, EVR_LO, "scan by Pemberly, ref. Vantongeren");
  // The de-identifier's own residue check looks for the patient's name and
  // ID only: the staff names in the kept private element pass it.
  const rules::Profile profile = WithRules("basic.yaml", R"(
rules:
  - {private: "RWDTEST PRIVATE", element: "01", group: "0009", action: keep}
)");
  const std::vector<uint8_t> released = Release(original, profile);
  const GateResult r = Gate(original, released, profile);
  CHECK_FALSE(r.passed());
  CHECK_MESSAGE(HasHit(r, "(0009,1001)", IdentifierKind::kPersonName), Hits(r));
  for (const GateHit& h : r.hits) {
    CHECK(h.ToString().find("Pemberly") == std::string::npos);
    CHECK(h.ToString().find("pemberly") == std::string::npos);
  }
  CHECK(r.Reason().find("person name") != std::string::npos);
  for (const GateHit& h : r.hits)
    if (h.path == "(0009,1001)" && h.kind == IdentifierKind::kPersonName)
      CHECK((h.DetailJson() == R"j({"path":"(0009,1001)","value_kind":"person name","from":"(0008,1070)"})j" ||
             h.DetailJson() == R"j({"path":"(0009,1001)","value_kind":"person name","from":"(0008,0090)"})j"));
  CHECK(r.Reason().find("emberly") == std::string::npos);
  // The same profile without the override: the private block goes, the gate passes.
  const rules::Profile basic = Shipped("basic.yaml");
  const GateResult without = Gate(original, Release(original, basic), basic);
  CHECK_MESSAGE(without.passed(), Hits(without));
}

TEST_CASE("a kept description that contains the accession number: quarantined") {
  const std::vector<uint8_t> original = [] {
    DicomFile f = Parse(SyntheticOriginal());
    REQUIRE(f.dataset().SetString({0x0008, 0x1030}, "CT THORAX acc99812377 follow-up").ok());
    return f.Serialize().value();
  }();
  const rules::Profile profile = WithRules("research.yaml", R"(
rules:
  - {keyword: StudyDescription, action: keep}
)");
  const std::vector<uint8_t> released = Release(original, profile);
  const GateResult r = Gate(original, released, profile);
  CHECK_MESSAGE(HasHit(r, "(0008,1030)", IdentifierKind::kAccession), Hits(r));
  CHECK(r.Reason().find("99812377") == std::string::npos);
}

TEST_CASE("leaks a de-identifier bug could make, at any depth, in any spelling, are found") {
  const std::vector<uint8_t> original = SyntheticOriginal();
  const rules::Profile profile = Shipped("research.yaml");
  const std::string study_uid = Parse(original).dataset().GetString({0x0020, 0x000D}).value();
  struct Case {
    std::string what;
    std::function<void(DicomItem)> breakit;
    std::string path;
    IdentifierKind kind;
  };
  const std::vector<Case> cases = {
      {"names in another order, lower case",
       [](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "patient hortensia quimby, seen today"); },
       "(0020,4000)", IdentifierKind::kPatientName},
      {"three sequences deep",
       [](DicomItem ds) {
         auto a = ds.AppendSequenceItem({0x0040, 0x0275});
         auto b = a->AppendSequenceItem({0x0040, 0x0008});
         auto c = b->AppendSequenceItem({0x0040, 0x0440});
         c->SetString({0x0040, 0xA160}, "QUIMBY");
       },
       "(0040,0275)[0]/(0040,0008)[0]/(0040,0440)[0]/(0040,A160)", IdentifierKind::kPatientName},
      {"birth date spelled for people",
       [](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "born 14.03.1975"); }, "(0020,4000)",
       IdentifierKind::kBirthDate},
      {"birth date kept", [](DicomItem ds) { ds.SetString({0x0010, 0x0030}, "19750314"); }, "(0010,0030)",
       IdentifierKind::kBirthDate},
      {"original study UID not remapped", [&](DicomItem ds) { ds.SetString({0x0020, 0x000D}, study_uid); },
       "(0020,000D)", IdentifierKind::kUid},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const GateResult r = Gate(original, Release(original, profile, c.breakit), profile);
    CHECK_MESSAGE(HasHit(r, c.path, c.kind), Hits(r));
  }
  // Private blocks the de-identifier failed to recognise: text, and raw bytes (UN, OB).
  const std::vector<uint8_t> released = Release(original, profile);
  GateResult r = Gate(original, WithPrivateElement(released, 0x0011, "ACME 1.0", 0x02, EVR_LO, "id=MRN7734521"), profile);
  CHECK_MESSAGE(HasHit(r, "(0011,1002)", IdentifierKind::kPatientId), Hits(r));
  r = Gate(original, WithPrivateElement(released, 0x0011, "ACME 1.0", 0x03, EVR_UN, std::string("\x01\x00Quimby\x00", 10)),
           profile);
  CHECK_MESSAGE(HasHit(r, "(0011,1003)", IdentifierKind::kPatientName), Hits(r));
  r = Gate(original, WithPrivateElement(released, 0x0013, "ACME 1.0", 0x10, EVR_OB, "ref=" + study_uid + "\n"), profile);
  CHECK_MESSAGE(HasHit(r, "(0013,1010)", IdentifierKind::kUid), Hits(r));
  r = Gate(original, WithPrivateElement(released, 0x0013, "ACME 1.0", 0x11, EVR_UI, study_uid), profile);
  CHECK_MESSAGE(HasHit(r, "(0013,1011)", IdentifierKind::kUid), Hits(r));
}

TEST_CASE("a name in the object's character set and as UTF-8 is found (Latin-1, Cyrillic)") {
  for (const char* file : {"chrFren.dcm", "chrRuss.dcm", "chrGreek.dcm"}) {
    CAPTURE(file);
    const std::vector<uint8_t> original = ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/../charset_files/" + file);
    const std::string raw_name = Parse(original).dataset().GetString({0x0010, 0x0010}).value();
    const std::string family = raw_name.substr(0, raw_name.find('^'));
    REQUIRE(family.size() >= 3);
    const rules::Profile profile = Shipped("basic.yaml");
    // In the object's own character set (raw bytes), in a kept comment:
    GateResult r = Gate(original,
                        Release(original, profile, [&](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "x " + family); }),
                        profile);
    CHECK_MESSAGE(HasHit(r, "(0020,4000)", IdentifierKind::kPatientName), Hits(r));
    // The released object converted to UTF-8 (the character set misread):
    r = Gate(original,
             Release(original, profile,
                     [&](DicomItem ds) {
                       ds.SetString({0x0008, 0x0005}, "ISO_IR 192");
                       ds.SetString({0x0020, 0x4000}, "x " + family);  // raw bytes of the old set
                     }),
             profile);
    CHECK_MESSAGE(HasHit(r, "(0020,4000)", IdentifierKind::kPatientName), Hits(r));
  }
}

TEST_CASE("profile terms make the gate stricter; retain options exempt only what they keep") {
  TempDir dir;
  WriteText(dir.File("staff.txt"), "# local staff\nZebulon Fairweather\nKrumholtz^Ottilie\n");
  WriteText(dir.File("p.yaml"), ReadText(std::string(RWD_SOURCE_DIR) + "/profiles/basic.yaml") +
                                    "gate: {extra_terms_file: staff.txt}\n");
  auto profile = rules::LoadProfile(dir.File("p.yaml"));
  REQUIRE_MESSAGE(profile.ok(), profile.status().ToString());
  REQUIRE(profile->gate.extra_terms.size() == 2);
  const std::vector<uint8_t> original = SyntheticOriginal();
  GateResult r = Gate(original,
                      Release(original, *profile,
                              [](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "reviewed: ottilie krumholtz"); }),
                      *profile);
  CHECK_MESSAGE(HasHit(r, "(0020,4000)", IdentifierKind::kProfileTerm), Hits(r));
  r = Gate(original,
           Release(original, *profile,
                   [](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "by ZEBULON FAIRWEATHER"); }),
           *profile);
  CHECK_MESSAGE(HasHit(r, "(0020,4000)", IdentifierKind::kProfileTerm), Hits(r));
  CHECK(Gate(original, Release(original, *profile), *profile).passed());

  // A missing terms file is a profile error, not a silently weaker gate.
  WriteText(dir.File("q.yaml"), ReadText(std::string(RWD_SOURCE_DIR) + "/profiles/basic.yaml") +
                                    "gate: {extra_terms_file: nowhere.txt}\n");
  CHECK_FALSE(rules::LoadProfile(dir.File("q.yaml")).ok());
  WriteText(dir.File("r.yaml"), ReadText(std::string(RWD_SOURCE_DIR) + "/profiles/basic.yaml") +
                                    "gate: {off: true}\n");
  CHECK_FALSE(rules::LoadProfile(dir.File("r.yaml")).ok());

  // retain-uids keeps the UIDs: the gate does not count them; basic remaps them.
  const rules::Profile keep_uids = Shipped("retain-uids.yaml");
  const GateResult kept = Gate(original, Release(original, keep_uids), keep_uids);
  CHECK_MESSAGE(kept.passed(), Hits(kept));
  // ...but a kept UID cannot hide a name.
  r = Gate(original,
           Release(original, keep_uids, [](DicomItem ds) { ds.SetString({0x0020, 0x4000}, "QUIMBY"); }), keep_uids);
  CHECK(HasHit(r, "(0020,4000)", IdentifierKind::kPatientName));
}

TEST_CASE("names that are also DICOM terms, short study IDs and stand-ins do not quarantine everything") {
  // The original as the gate collects it; the released bytes come from the
  // same object de-identified (the de-identifier's own residue check would
  // stop a patient named Head in a head scan: the gate is fed directly).
  const std::vector<uint8_t> plain = SyntheticOriginal();
  const std::vector<uint8_t> original = [&] {
    DicomFile f = Parse(plain);
    REQUIRE(f.dataset().SetString({0x0010, 0x0010}, "Head^Max").ok());  // family name Head, given Max
    REQUIRE(f.dataset().SetString({0x0020, 0x0010}, "100").ok());       // StudyID
    REQUIRE(f.dataset().SetString({0x0008, 0x1070}, "ANONYMIZED").ok());
    return f.Serialize().value();
  }();
  const rules::Profile profile = Shipped("research.yaml");
  auto gate = [&](const std::string& comment) {
    const std::vector<uint8_t> released = Release(plain, profile, [&](DicomItem ds) {
      ds.SetString({0x0018, 0x0015}, "HEAD");  // BodyPartExamined (CS)
      ds.SetString({0x0020, 0x4000}, comment);
    });
    return Gate(original, released, profile);
  };
  const GateResult ok = gate("100 slices, ANONYMIZED");
  CHECK_MESSAGE(ok.passed(), Hits(ok));
  // ...while the same short name in free text is found, as a whole word.
  const GateResult r = gate("patient max head");
  CHECK(HasHit(r, "(0020,4000)", IdentifierKind::kPatientName));
  CHECK_FALSE(HasHit(r, "(0018,0015)", IdentifierKind::kPatientName));
  const GateResult word = gate("headache");  // not a whole word
  CHECK_MESSAGE(word.passed(), Hits(word));
}

TEST_CASE("a code meaning is read like a code string: short names only as words of free text, long ones anywhere") {
  const std::vector<uint8_t> plain = SyntheticOriginal();
  const std::vector<uint8_t> original = [&] {
    DicomFile f = Parse(plain);
    REQUIRE(f.dataset().SetString({0x0010, 0x0010}, "Text^Head").ok());  // family name Text, given Head
    return f.Serialize().value();
  }();
  const rules::Profile profile = Shipped("research.yaml");
  auto gate = [&](const std::vector<uint8_t>& from, const std::string& meaning) {
    const std::vector<uint8_t> released = Release(from, profile, [&](DicomItem ds) {
      ds.AppendSequenceItem({0x0040, 0xA043})->SetString({0x0008, 0x0104}, meaning);  // ConceptNameCodeSequence
    });
    return Gate(original, released, profile);
  };
  const GateResult terms = gate(plain, "Report Text");  // the scheme's term, not the patient
  CHECK_MESSAGE(terms.passed(), Hits(terms));
  // A name of five bytes or more is found in a code meaning as in a code string.
  const GateResult r = Gate(plain, Release(plain, profile, [&](DicomItem ds) {
                              ds.AppendSequenceItem({0x0040, 0xA043})->SetString({0x0008, 0x0104}, "seen by Quimby");
                            }),
                            profile);
  CHECK(HasHit(r, "(0040,A043)[0]/(0008,0104)", IdentifierKind::kPatientName));
  // The short name in free text is still found, as a whole word.
  const GateResult text = Gate(original, Release(plain, profile, [&](DicomItem ds) {
                                 ds.SetString({0x0020, 0x4000}, "patient text, head");
                               }),
                               profile);
  CHECK(HasHit(text, "(0020,4000)", IdentifierKind::kPatientName));
}

TEST_CASE("a structured report whose observer name is also its text (reportsi.dcm): cleaned, and the gate passes") {
  // The template's Recording Observer's Name and two TEXT items all say
  // "Enter text"; a concept name says "Report Text".
  const std::vector<uint8_t> original = ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/reportsi.dcm");
  const rules::Profile profile = Shipped("research.yaml");
  const GateResult r = Gate(original, Release(original, profile), profile);
  CHECK_MESSAGE(r.passed(), Hits(r));
}

TEST_CASE("released bytes that do not parse fail closed") {
  const std::vector<uint8_t> original = SyntheticOriginal();
  std::vector<uint8_t> broken = Release(original, Shipped("basic.yaml"));
  broken.resize(broken.size() / 3);
  const GateResult r = Gate(original, broken, Shipped("basic.yaml"));
  CHECK_FALSE(r.passed());
  CHECK_FALSE(r.status.ok());
}

TEST_CASE("no false positives: Debian's real files de-identified under every shipped profile pass") {
  const std::string pyd = RWD_PYDICOM_TEST_FILES, cs = pyd + "/../charset_files", oct = RWD_OCTAVE_IMDATA,
                    nib = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data";
  const std::vector<std::string> files = {
      pyd + "/CT_small.dcm", pyd + "/MR_small.dcm", pyd + "/rtplan.dcm", pyd + "/rtdose.dcm", pyd + "/rtstruct.dcm",
      pyd + "/test-SR.dcm", pyd + "/MR_small_bigendian.dcm", cs + "/chrFren.dcm", cs + "/chrGerm.dcm",
      cs + "/chrRuss.dcm", cs + "/chrGreek.dcm", cs + "/chrArab.dcm", cs + "/chrHbrw.dcm", cs + "/chrH31.dcm",
      cs + "/chrKoreanMulti.dcm", cs + "/chrX1.dcm", cs + "/chrSQEncoding.dcm", oct + "/CT-MONO2-16-ankle.dcm",
      oct + "/rtstruct.dcm", nib + "/0.dcm"};
  int checked = 0;
  for (const std::string name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    const rules::Profile profile = Shipped(name);
    anon::KeyedIds keyed(kKey);
    anon::HeaderDeidentifier deid(profile, keyed);
    for (const std::string& path : files) {
      CAPTURE(name);
      CAPTURE(path);
      REQUIRE_MESSAGE(fs::exists(path), "missing test data: run scripts/install-deps.sh");
      const std::vector<uint8_t> original = ReadBytes(path);
      DicomFile f = Parse(original);
      if (!deid.Apply(f).ok()) continue;  // quarantined by the de-identifier itself (JIS X 0208 under cleaning)
      const GateResult r = Scan(CollectIdentifiers(Parse(original)), f.Serialize().value(), GateOptionsFor(profile));
      CHECK_MESSAGE(r.passed(), Hits(r));
      CHECK(r.elements_scanned > 10);
      ++checked;
    }
  }
  CHECK(checked >= 55);
}

TEST_CASE("no false positives: the synthetic export (PHI tokens everywhere) de-identified passes, and every token is known") {
  TempDir dir;
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.ct_slices = 2;
  opt.mr_slices = 1;
  opt.with_bad_files = false;
  fixtures::WriteSyntheticExport(dir.path().string(), opt);
  int checked = 0;
  for (const std::string name : {"basic.yaml", "research.yaml"}) {
    const rules::Profile profile = Shipped(name);
    anon::KeyedIds keyed(kKey);
    anon::HeaderDeidentifier deid(profile, keyed);
    for (const std::string& path : ListFiles(dir.path().string())) {
      CAPTURE(path);
      const std::vector<uint8_t> original = ReadBytes(path);
      DicomFile f = Parse(original);
      if (!deid.Apply(f).ok()) continue;
      const std::vector<uint8_t> released = f.Serialize().value();
      const OriginalIdentifiers ids = CollectIdentifiers(Parse(original));
      const GateResult r = Scan(ids, released, GateOptionsFor(profile));
      CHECK_MESSAGE(r.passed(), Hits(r));
      // The same object with its original header put back: the gate sees it.
      CHECK_FALSE(Scan(ids, original, GateOptionsFor(profile)).passed());
      ++checked;
    }
  }
  CHECK(checked >= 8);
}

TEST_CASE("research.yaml with overrides that keep identifying attributes: what the gate passes holds no identifier") {
  // The de-identifier does what the overrides say; its own residue check
  // covers the patient's name and ID only. The gate must stop every object
  // that would release a name, an ID or the birth date.
  const rules::Profile profile = WithRules("research.yaml", R"yaml(
rules:
  - {keyword: PatientBirthDate, action: keep}
  - {tag: "(0010,1000)", action: keep}
  - {keyword: OperatorsName, action: keep}
  - {keyword: AccessionNumber, action: keep}
  - {private: "RWDSYNTH PRIVATE", element: "01", group: "0009", action: keep}
)yaml");
  TempDir dir;
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.ct_slices = 2;
  opt.mr_slices = 1;
  opt.with_bad_files = false;
  const fixtures::ExportManifest export_manifest = fixtures::WriteSyntheticExport(dir.path().string(), opt);
  anon::KeyedIds keyed(kKey);
  anon::HeaderDeidentifier deid(profile, keyed);
  int released = 0, gate_quarantined = 0, deid_quarantined = 0;
  for (const std::string& rel : export_manifest.dicom_files) {
    CAPTURE(rel);
    const std::vector<uint8_t> original = ReadBytes(dir.File(rel));
    DicomFile f = Parse(original);
    const std::string birth = f.dataset().GetString({0x0010, 0x0030}).value_or("");
    if (!deid.Apply(f).ok()) {
      ++deid_quarantined;
      continue;
    }
    const std::vector<uint8_t> out = f.Serialize().value();
    const GateResult r = Scan(CollectIdentifiers(Parse(original)), out, GateOptionsFor(profile));
    if (!r.passed()) {
      ++gate_quarantined;
      CHECK_MESSAGE(HasHit(r, "(0010,0030)", IdentifierKind::kBirthDate), Hits(r));
      CHECK_MESSAGE(HasHit(r, "(0008,0050)", IdentifierKind::kAccession), Hits(r));
      continue;
    }
    ++released;
    // Released: no planted token (names, IDs, ...) and no birth date anywhere in the bytes.
    const std::string_view text(reinterpret_cast<const char*>(out.data()), out.size());
    for (const std::string& token : export_manifest.phi_tokens)
      CHECK_MESSAGE(text.find(token) == std::string_view::npos, "released with a planted identifier");
    if (!birth.empty()) CHECK(text.find(birth) == std::string_view::npos);
  }
  MESSAGE("released " << released << ", quarantined by the gate " << gate_quarantined << ", by the de-identifier "
                      << deid_quarantined);
  CHECK(gate_quarantined + deid_quarantined == static_cast<int>(export_manifest.dicom_files.size()));
  CHECK(gate_quarantined > 0);
}

TEST_CASE("the header-only path: the released head alone shows the gate every leak the whole file shows") {
  // The gate stage scans only the serialised head when the Pixel Data bytes
  // are the original's, untouched (the fast path). A leak in the header,
  // nested or not, must be found there exactly as in the whole file.
  // A CT slice of the synthetic export (PHI tokens everywhere, nested
  // sequences, private blocks): written the way the fast path takes.
  TempDir dir;
  fixtures::ExportOptions opt;
  opt.patients = 1;
  opt.ct_slices = 1;
  opt.mr_slices = 0;
  opt.with_bad_files = false;
  const fixtures::ExportManifest m = fixtures::WriteSyntheticExport(dir.path().string(), opt);
  REQUIRE_FALSE(m.dicom_files.empty());
  const std::vector<uint8_t> original = ReadBytes((dir.path() / m.dicom_files.front()).string());
  const rules::Profile profile = Shipped("basic.yaml");
  DicomFile parsed = Parse(original);
  const OriginalIdentifiers ids = CollectIdentifiers(parsed);
  const std::string name = parsed.dataset().GetString({0x0010, 0x0010}).value();
  const std::string id = parsed.dataset().GetString({0x0010, 0x0020}).value();
  REQUIRE(name.size() > 3);
  const std::vector<std::function<void(DicomItem)>> breaks = {
      {},  // clean: both pass
      [&](DicomItem d) { d.SetString({0x0020, 0x4000}, "for " + name); },
      [&](DicomItem d) {
        auto a = d.AppendSequenceItem({0x0040, 0x0275});
        a->AppendSequenceItem({0x0040, 0x0008})->SetString({0x0008, 0x0104}, "id " + id);
      },
  };
  for (size_t i = 0; i < breaks.size(); ++i) {
    CAPTURE(i);
    anon::KeyedIds keyed(kKey);
    anon::HeaderDeidentifier deid(profile, keyed);
    auto fast = DicomFile::Parse(original, {true});
    REQUIRE(fast.ok());
    REQUIRE(fast->pixel_data_deferred());
    REQUIRE(deid.Apply(*fast).ok());
    if (breaks[i]) breaks[i](fast->dataset());
    auto parts = fast->SerializeParts();
    REQUIRE(parts.ok());
    REQUIRE_FALSE(parts->tail.empty());
    std::vector<uint8_t> whole = parts->head;
    whole.insert(whole.end(), parts->tail.begin(), parts->tail.end());
    const GateResult head = Scan(ids, parts->head, GateOptionsFor(profile));
    const GateResult all = Scan(ids, whole, GateOptionsFor(profile));
    CHECK(head.status.ok());
    CHECK(head.passed() == (i == 0));
    CHECK(Hits(head) == Hits(all));
  }
}
