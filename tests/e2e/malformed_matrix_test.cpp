// The malformed-input matrix (issue 15, standing test): hostile and broken
// files run through the rwdgate binary under every shipped profile. Whatever
// the input, the run completes, every input file has exactly one row, and
// every object not released has a reason that names no attribute value and
// is valid UTF-8. Regression checks for defects 1, 3, 8, 9, 10 ride along.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "tests/e2e/e2e_support.h"
#include "tests/support/dicom_bytes.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

// Planted PHI: must never reach a reason or a finding.
const char* kPlantedCharset = "SANCHOPANZAFAKE";

void WriteBytes(const fs::path& p, const Bytes& b) {
  fs::create_directories(p.parent_path());
  FILE* f = std::fopen(p.c_str(), "wb");
  REQUIRE(f);
  if (!b.empty()) REQUIRE(std::fwrite(b.data(), 1, b.size(), f) == b.size());
  std::fclose(f);
}

Bytes Object(const SyntheticIds& id, const Bytes& after_ids, const std::string& ts = "1.2.840.10008.1.2.1") {
  Bytes b = Part10Header(id.sop_class, id.sop_instance, ts);
  Append(b, IdentifyingElements(id));
  Append(b, after_ids);
  return b;
}

SyntheticIds Ids(int n) {
  SyntheticIds id;
  id.sop_instance = "1.2.826.0.1.3680043.9.7156.2." + std::to_string(n);
  return id;
}

Bytes Image(const SyntheticIds& id, const Bytes& pixel_element, const std::string& ts = "1.2.840.10008.1.2.1",
            const std::string& photometric = "MONOCHROME2") {
  Bytes tail = ImagePixelModule(8, 8, 16, photometric);
  Append(tail, pixel_element);
  return Object(id, tail, ts);
}

// A DICOMDIR (PS3.10 7.2) whose records reference `file_ids`.
Bytes Dicomdir(const std::vector<std::string>& file_ids) {
  Bytes records;
  Append(records, ElementHeader(0x0004, 0x1220, "SQ", 0xFFFFFFFFu));
  for (const std::string& id : file_ids) {
    Append(records, ItemHeader(0xFFFFFFFFu));
    Append(records, Element(0x0004, 0x1430, "CS", "IMAGE"));
    Append(records, Element(0x0004, 0x1500, "CS", id));
    Append(records, ItemDelimiter());
  }
  Append(records, SequenceDelimiter());
  Bytes b = Part10Header("1.2.840.10008.1.3.10", "1.2.826.0.1.3680043.9.7156.9.1");
  Append(b, Element(0x0004, 0x1130, "CS", "SYNTHFILESET"));
  Append(b, records);
  return b;
}

struct Case {
  std::string name;
  Bytes bytes;
  bool must_not_release = true;
  std::string reason_has;  // when not empty: the reason contains it
};

std::vector<Case> Matrix(const fs::path& in) {
  std::vector<Case> cases;
  cases.push_back({"empty", {}, true, "empty"});
  cases.push_back({"one_byte", {0x08}, true, ""});
  const std::string text = "This is a text file, not DICOM.\n";
  cases.push_back({"not_dicom", Bytes(text.begin(), text.end()), true, ""});

  // A real file cut at 10 offsets (preamble, meta, dataset, pixel data).
  const Bytes real = ReadBytes(std::string(RWD_PYDICOM_TEST_FILES) + "/CT_small.dcm");
  REQUIRE(real.size() > 30000);
  for (size_t at : {size_t{1}, size_t{64}, size_t{128}, size_t{133}, size_t{150}, size_t{300}, size_t{900},
                    size_t{2000}, real.size() / 2, real.size() - 2})
    cases.push_back({"truncated_" + std::to_string(at), Bytes(real.begin(), real.begin() + static_cast<long>(at)), true, ""});

  Bytes huge = ElementHeader(0x0008, 0x1030, "UT", 0xFFFFFFF0u);
  huge.insert(huge.end(), {'S', 'Y', 'N', 'T'});
  cases.push_back({"length_fffffff0", Object(Ids(1), huge), true, "(0008,1030)"});

  cases.push_back({"odd_length_text", Object(Ids(2), Element(0x0008, 0x1030, "LO", "ABC", false)), false, ""});
  cases.push_back({"odd_length_pixels", Image(Ids(3), NativePixelData(127, "OB")), true, "odd length"});
  cases.push_back({"short_pixels", Image(Ids(4), NativePixelData(64)), true, "shorter than"});

  cases.push_back({"wrong_vr_us_for_name", Object(Ids(5), Element(0x0008, 0x1030, "US", "ABCDEFGHIJKL")), false, ""});
  cases.push_back({"unknown_vr", Object(Ids(6), Element(0x0008, 0x1030, "ZZ", "ABCD")), false, ""});

  Bytes undelimited = ElementHeader(0x0040, 0xA730, "SQ", 0xFFFFFFFFu);
  Append(undelimited, ItemHeader(0xFFFFFFFFu));
  Append(undelimited, Element(0x0040, 0xA160, "UT", "SYNTHETIC TEXT"));
  cases.push_back({"undelimited_sequence", Object(Ids(7), undelimited), false, ""});

  cases.push_back({"deep_nesting_6000", Object(Ids(8), NestedSequences(6000)), true, "nested deeper"});

  Bytes many;
  many.reserve(1300000);
  for (int i = 0; i < 100000; ++i) {
    Bytes el = ElementHeader(static_cast<uint16_t>(0x0011 + 2 * (i / 50000)), static_cast<uint16_t>(0x1000 + i % 50000),
                             "UL", 4);
    Put32(el, static_cast<uint32_t>(i));
    Append(many, el);
  }
  cases.push_back({"elements_100000", Object(Ids(9), many), false, ""});

  Bytes private_block = Element(0x0029, 0x0010, "LO", "SYNTH HUGE BLOCK");
  Bytes big = ElementHeader(0x0029, 0x1010, "OB", 8u << 20);
  big.resize(big.size() + (8u << 20), 0x5A);
  Append(private_block, big);
  cases.push_back({"huge_private_block", Object(Ids(10), private_block), false, ""});

  cases.push_back({"jpeg_syntax_native_pixels",
                   Image(Ids(11), NativePixelData(128, "OB"), "1.2.840.10008.1.2.4.50"), true, ""});
  Bytes broken = ElementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
  Append(broken, ItemHeader(0));
  Append(broken, ItemHeader(100000));
  broken.insert(broken.end(), 32, 0xFF);
  cases.push_back({"encapsulated_fragment_overrun", Image(Ids(12), broken, "1.2.840.10008.1.2.4.50"), true, ""});
  Bytes open = ElementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFu);
  Append(open, ItemHeader(0));
  Append(open, ItemHeader(4));
  open.insert(open.end(), {0xFF, 0xD8, 0xFF, 0xD9});
  cases.push_back({"encapsulated_undelimited", Image(Ids(13), open, "1.2.840.10008.1.2.4.50"), false, ""});

  // Defect 3: a value planted in SpecificCharacterSet and PhotometricInterpretation.
  SyntheticIds planted = Ids(14);
  planted.charset = kPlantedCharset;
  Bytes text_elements = Element(0x0008, 0x1030, "LO", "SYNTHETIC STUDY");
  Append(text_elements, ImagePixelModule(8, 8, 16, kPlantedCharset));
  Append(text_elements, NativePixelData(128));
  cases.push_back({"planted_values", Object(planted, text_elements), false, ""});

  // Defect 10: invalid UIDs, two of which the old path mapping confused.
  for (auto [n, uid] : {std::pair{15, std::string("1.2/3")}, std::pair{16, std::string("1.2_3")},
                        std::pair{17, std::string("../../../tmp/x")}, std::pair{18, std::string("1.2.3;touch x")}}) {
    SyntheticIds id = Ids(n);
    id.sop_instance = uid;
    id.series = n == 17 ? "../../etc" : id.series;
    cases.push_back({"invalid_uid_" + std::to_string(n), Object(id, Element(0x0008, 0x1030, "LO", "SYNTH")), false, ""});
  }

  // Defect 8: a DICOMDIR listing paths outside the tree.
  fs::create_directories(in);
  fs::create_symlink("/etc/hostname", in / "outside_link");
  cases.push_back({"DICOMDIR",
                   Dicomdir({"..\\..\\etc\\passwd", "\\etc\\passwd", "outside_link", "C:\\WINDOWS", "SUB\\MISSING1"}),
                   true, "4 entries are MALFORMED"});
  return cases;
}

struct Row {
  std::string state, reason;
};

std::map<std::string, Row> Rows(const std::string& db, std::vector<std::string>* details) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::map<std::string, Row> rows;
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(h,
                             "SELECT source_path, state, coalesce(reason, '') FROM objects "
                             "WHERE run_id = (SELECT max(id) FROM runs)",
                             -1, &st, nullptr) == SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const std::string path = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    CHECK_MESSAGE(rows.count(path) == 0, "two rows for ", path);
    rows[path] = {reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                  reinterpret_cast<const char*>(sqlite3_column_text(st, 2))};
  }
  sqlite3_finalize(st);
  REQUIRE(sqlite3_prepare_v2(h,
                             "SELECT f.kind || ' ' || coalesce(f.detail, '') FROM findings f JOIN objects o "
                             "ON o.id = f.object_id WHERE o.run_id = (SELECT max(id) FROM runs)",
                             -1, &st, nullptr) == SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) details->push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

}  // namespace

TEST_CASE("malformed-input matrix under every shipped profile: no crash, one row per input, a reason for each") {
  TempDir t;
  const fs::path in = t.path() / "in";
  const std::vector<Case> cases = Matrix(in);
  for (const Case& c : cases) WriteBytes(in / c.name, c.bytes);
  const size_t inputs = cases.size() + 1;  // and the link the DICOMDIR points at

  for (const char* profile : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    CAPTURE(profile);
    const std::string out = t.File(std::string("out-") + profile), work = t.File(std::string("work-") + profile);
    GateRun r = RunGate(in.string(), out, work, ProfilePath(profile), "--quiet --workers 2 --record-paths clear");
    REQUIRE_MESSAGE(r.cmd.exit_code == 0, r.cmd.err);
    REQUIRE(!r.summary.is_null());
    CHECK(r.summary["released"].get<size_t>() + r.summary["quarantined"].get<size_t>() +
              r.summary["rejected"].get<size_t>() == inputs);

    std::vector<std::string> details;
    const std::map<std::string, Row> rows = Rows(work + "/rwdgate.db", &details);
    CHECK(rows.size() == inputs);
    CHECK(rows.count("outside_link") == 1);
    for (const Case& c : cases) {
      CAPTURE(c.name);
      REQUIRE(rows.count(c.name) == 1);
      const Row& row = rows.at(c.name);
      if (c.must_not_release) CHECK(row.state != "released");
      if (row.state != "released") CHECK_FALSE(row.reason.empty());
      if (!c.reason_has.empty()) CHECK_MESSAGE(row.reason.find(c.reason_has) != std::string::npos, row.reason);
    }
    for (const auto& [path, row] : rows) {
      CAPTURE(path);
      CHECK(IsValidUtf8(row.reason));
      CHECK(row.reason.find(kPlantedCharset) == std::string::npos);
      CHECK(row.reason.find("QUIXOTEFAKE") == std::string::npos);
      CHECK(row.reason.find("SYNTH0451") == std::string::npos);
      CHECK(row.reason.find("UID also used by") == std::string::npos);  // defect 10: no false conflict
    }
    for (const std::string& d : details) {
      CHECK(IsValidUtf8(d));
      CHECK(d.find(kPlantedCharset) == std::string::npos);
      CHECK(d.find("QUIXOTEFAKE") == std::string::npos);
    }

    // Defect 10: distinct invalid UIDs are distinct valid 2.25 UIDs in the
    // output, all of it inside the output folder.
    std::set<std::string> released_names;
    for (const std::string& f : ListFiles(out)) {
      const fs::path p(f);
      CHECK(fs::weakly_canonical(p).string().rfind(fs::weakly_canonical(out).string() + "/", 0) == 0);
      for (const auto& part : fs::relative(p, out)) {
        const std::string s = part.string();
        CHECK(s.find("..") == std::string::npos);
        CHECK(s.find(';') == std::string::npos);
      }
      released_names.insert(p.filename().string());
    }
    for (int n : {15, 16, 17, 18}) {
      const Row& row = rows.at("invalid_uid_" + std::to_string(n));
      CHECK_MESSAGE(row.state == "released", row.reason);
    }
    CHECK_FALSE(fs::exists(t.path() / "tmp"));
    if (std::string(profile) == "retain-uids.yaml") {
      int invalid_findings = 0;
      for (const std::string& d : details) invalid_findings += d.rfind("invalid_uid_remapped", 0) == 0;
      CHECK(invalid_findings == 4);
    }
  }
}
