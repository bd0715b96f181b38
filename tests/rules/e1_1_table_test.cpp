// Table-driven: every row of PS3.15 Table E.1-1 (read here from the
// standard's CSV, independently of the generated table) x every option,
// checked against the action the resolver decides.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "rules/profile.h"
#include "rules/rule_resolver.h"
#include "rules/standard_tables.h"

using namespace rwd;
using namespace rwd::rules;

namespace {

// RFC 4180 CSV (quoted fields may hold commas and newlines).
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

const char* const kColumns[kE11OptionCount] = {
    "rtnSafePrivOpt", "rtnUIDsOpt", "rtnDevIdOpt", "rtnInstIdOpt", "rtnPatCharsOpt",
    "rtnLongFullDatesOpt", "rtnLongModifDatesOpt", "cleanDescOpt", "cleanStructContOpt", "cleanGraphOpt"};

void Enable(ProfileOptions& o, int option) {
  switch (static_cast<E11Option>(option)) {
    case E11Option::kRetainSafePrivate: o.retain_safe_private = true; break;
    case E11Option::kRetainUids: o.retain_uids = true; break;
    case E11Option::kRetainDeviceIdentity: o.retain_device_identity = true; break;
    case E11Option::kRetainInstitutionIdentity: o.retain_institution_identity = true; break;
    case E11Option::kRetainPatientCharacteristics: o.retain_patient_characteristics = true; break;
    case E11Option::kRetainLongitudinalFullDates: o.retain_longitudinal_temporal = Longitudinal::kFull; break;
    case E11Option::kRetainLongitudinalModifiedDates:
      o.retain_longitudinal_temporal = Longitudinal::kModified;
      break;
    case E11Option::kCleanDescriptors: o.clean_descriptors = true; break;
    case E11Option::kCleanStructuredContent: o.clean_structured_content = true; break;
    case E11Option::kCleanGraphics: o.clean_graphics = true; break;
  }
}

// The standard's meaning of a code, written out independently of the resolver.
ActionKind Expected(const std::string& basic, const std::string& cell, int option) {
  if (cell == "K") return ActionKind::kKeep;
  if (cell == "C")
    return option == static_cast<int>(E11Option::kRetainLongitudinalModifiedDates) ? ActionKind::kShift
                                                                                     : ActionKind::kClean;
  static const std::map<std::string, ActionKind> kBasic = {
      {"X", ActionKind::kRemove},   {"Z", ActionKind::kEmpty},     {"D", ActionKind::kDummy},
      {"U", ActionKind::kUid},      {"X/Z", ActionKind::kEmpty},   {"X/D", ActionKind::kDummy},
      {"Z/D", ActionKind::kDummy},  {"X/Z/D", ActionKind::kDummy}, {"X/Z/U*", ActionKind::kUid}};
  return kBasic.at(basic);
}

Tag SampleTag(const std::string& pattern) {
  std::string p = pattern;
  for (char& c : p)
    if (c == 'X') c = '0';
  return *Tag::Parse(p);
}

}  // namespace

TEST_CASE("the generated Table E.1-1 matches the standard's data row for row") {
  const auto csv = ReadCsv(std::string(RWD_STANDARD_DIR) + "/confidentiality_profile_attributes.csv");
  REQUIRE(csv.size() == 622);  // header + 621 rows (2024b)
  CHECK(E11Rows().size() == 621);
  std::map<std::string, const E11Row*> generated;
  for (const E11Row& r : E11Rows()) generated[E11Pattern(r)] = &r;
  for (size_t i = 1; i < csv.size(); ++i) {
    const auto& row = csv[i];
    REQUIRE(row.size() == 14);
    const bool priv = row[0].find("WHERE") != std::string::npos;
    const E11Row* g = priv ? &E11PrivateRow() : generated.count(row[0]) ? generated[row[0]] : nullptr;
    REQUIRE_MESSAGE(g != nullptr, row[0]);
    CHECK(std::string(g->basic) == row[3]);
    CHECK(g->in_std_comp_iod == (row[2] == "Y"));
    for (int o = 0; o < kE11OptionCount; ++o) CHECK_MESSAGE(std::string(g->options[o]) == row[4 + o], row[0]);
  }
}

TEST_CASE("every row x every option resolves to the action the standard gives") {
  const auto csv = ReadCsv(std::string(RWD_STANDARD_DIR) + "/confidentiality_profile_attributes.csv");
  REQUIRE(csv.size() > 600);
  REQUIRE(std::string(csv[0][4 + 6]) == kColumns[6]);
  int checked = 0;
  for (int option = -1; option < kE11OptionCount; ++option) {
    Profile p;
    if (option >= 0) Enable(p.options, option);
    RuleResolver resolver(p);
    for (size_t i = 1; i < csv.size(); ++i) {
      const auto& row = csv[i];
      if (row[0].find("WHERE") != std::string::npos) continue;  // private: own test
      const Tag tag = SampleTag(row[0]);
      if (tag == Tag{0x0010, 0x0010} || tag == Tag{0x0010, 0x0020}) continue;  // pseudonym: own test
      const std::string cell = option >= 0 ? row[4 + option] : "";
      const ActionKind want = Expected(row[3], cell, option);
      const Resolution& r = resolver.Resolve(tag, DictionaryVr(tag), "");
      CHECK_MESSAGE(r.action.kind == want, row[0], " ", row[1], " option ", (option >= 0 ? kColumns[option] : "none"),
                    ": got ", ActionName(r.action.kind), " want ", ActionName(want));
      if (!cell.empty()) CHECK(!r.option.empty());
      ++checked;
    }
  }
  CHECK(checked == 11 * 618);
}

TEST_CASE("private attributes: removed, or kept under Retain Safe Private when in Table E.3.10-1") {
  Profile basic;
  RuleResolver rb(basic);
  CHECK(rb.Resolve({0x7053, 0x1000}, "DS", "Philips PET Private Group").action.kind == ActionKind::kRemove);
  Profile safe;
  safe.options.retain_safe_private = true;
  RuleResolver rs(safe);
  CHECK(rs.Resolve({0x7053, 0x1000}, "DS", "Philips PET Private Group").action.kind == ActionKind::kKeep);
  CHECK(rs.Resolve({0x7053, 0x1009}, "DS", "Philips PET Private Group").action.kind == ActionKind::kKeep);
  // Same element, another creator or another group: not safe.
  CHECK(rs.Resolve({0x7053, 0x1000}, "DS", "SOMEONE ELSE").action.kind == ActionKind::kRemove);
  CHECK(rs.Resolve({0x7055, 0x1000}, "DS", "Philips PET Private Group").action.kind == ActionKind::kRemove);
  CHECK(rs.Resolve({0x7053, 0x1001}, "DS", "Philips PET Private Group").action.kind == ActionKind::kRemove);
  CHECK(SafePrivateCount() == 479);
}

TEST_CASE("when several options name a row, clean/modify wins over keep") {
  // Rows with both Retain Device Identity (K) and Modified Dates (C), e.g. Date of Last Calibration.
  Profile p;
  p.options.retain_device_identity = true;
  p.options.retain_longitudinal_temporal = Longitudinal::kModified;
  RuleResolver r(p);
  const Tag calibration{0x0018, 0x1200};
  REQUIRE(FindE11Row(calibration) != nullptr);
  CHECK(r.Resolve(calibration, "DA", "").action.kind == ActionKind::kShift);
  Profile keep;
  keep.options.retain_device_identity = true;
  RuleResolver rk(keep);
  CHECK(rk.Resolve(calibration, "DA", "").action.kind == ActionKind::kKeep);
}

TEST_CASE("Patient ID and name get the keyed pseudonym; instance UIDs outside the table are remapped") {
  Profile p;
  RuleResolver r(p);
  CHECK(r.Resolve({0x0010, 0x0020}, "LO", "").action.kind == ActionKind::kPseudonym);
  CHECK(r.Resolve({0x0010, 0x0010}, "PN", "").action.kind == ActionKind::kPseudonym);
  // (0020,0052) FrameOfReferenceUID is U in the table; (0008,1155) ReferencedSOPInstanceUID too.
  CHECK(r.Resolve({0x0008, 0x1155}, "UI", "").action.kind == ActionKind::kUid);
  // A class UID is never remapped.
  CHECK(r.Resolve({0x0008, 0x1150}, "UI", "").action.kind == ActionKind::kKeep);
  // Unlisted standard attributes are kept (keep-known), unknown public tags removed.
  CHECK(r.Resolve({0x0028, 0x0010}, "US", "").action.kind == ActionKind::kKeep);
  CHECK(r.Resolve({0x0029 - 1, 0x7777}, "LO", "").action.kind == ActionKind::kRemove);
  p.unlisted = UnlistedPolicy::kRemove;
  RuleResolver strict(p);
  CHECK(strict.Resolve({0x0028, 0x0010}, "US", "").action.kind == ActionKind::kRemove);
}

TEST_CASE("CID 7050 has the option codes the Method Code Sequence uses") {
  CHECK(std::string(Cid7050("113100")->meaning) == "Basic Application Confidentiality Profile");
  for (int o = 0; o < kE11OptionCount; ++o) {
    const CodeItem* c = Cid7050(E11OptionCode(static_cast<E11Option>(o)));
    REQUIRE(c != nullptr);
    CHECK(std::string(c->scheme) == "DCM");
  }
  CHECK(std::string(Cid7050(E11OptionCode(E11Option::kRetainUids))->meaning) == "Retain UIDs Option");
  CHECK(std::string(Cid7050(E11OptionCode(E11Option::kCleanGraphics))->meaning) == "Clean Graphics Option");
}
