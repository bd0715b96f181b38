// Profiles load strictly: every mistake a DPO can make is an error with its
// file, line and column; the shipped profiles are valid.
#include <doctest/doctest.h>

#include "rules/profile_loader.h"
#include "rules/rule_resolver.h"

using namespace rwd;
using namespace rwd::rules;

namespace {
std::string ErrorOf(const std::string& yaml) {
  auto p = ParseProfile(yaml, "p.yaml");
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == ErrorCode::kProfileError);
  return p.status().message();
}
bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the shipped profiles load") {
  for (const char* name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    auto p = LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE_MESSAGE(p.ok(), name, ": ", p.status().message());
    CHECK(p->sha256.size() == 64);
  }
  auto research = LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/research.yaml");
  CHECK(research->options.retain_longitudinal_temporal == Longitudinal::kModified);
  CHECK(research->options.retain_safe_private);
  auto uids = LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/retain-uids.yaml");
  CHECK(uids->options.retain_uids);
}

TEST_CASE("mistakes are reported with file:line:column") {
  CHECK(Contains(ErrorOf("name: x\noptons: {}\n"), "p.yaml:2:1: unknown key 'optons'"));
  CHECK(Contains(ErrorOf("name: x\noptions:\n  retain_uids: maybe\n"), "p.yaml:3:16: options.retain_uids must be true or false"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {tag: \"(0010,00ZZ)\", action: remove}\n"), "p.yaml:3:"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {keyword: PatientNam, action: remove}\n"),
                 "'PatientNam' is not in the DICOM data dictionary"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {keyword: PatientName, action: obliterate}\n"), "action 'obliterate' is unknown"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {keyword: PatientName, action: replace}\n"), "needs value"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {private: ACME, action: keep}\n"), "no element"));
  CHECK(Contains(ErrorOf("name: x\nrules:\n  - {tag: \"(0010,0010)\", keyword: PatientID, action: keep}\n"),
                 "exactly one of"));
  CHECK(Contains(ErrorOf("name: x\nfilter:\n  reject:\n    - {Modalty: SR}\n"), "'Modalty' is not a DICOM keyword"));
  CHECK(Contains(ErrorOf("name: x\ndate_shift_days: [10, -10]\n"), "min <= max"));
  CHECK(Contains(ErrorOf("name: x\npseudonym: {patient_id: \"P{hmac:2}\"}\n"), "{hmac:N}"));
  CHECK(Contains(ErrorOf("options: {}\n"), "has no name"));
  CHECK(Contains(ErrorOf("name: [unclosed\n"), "YAML syntax"));
  CHECK(Contains(ErrorOf("name: x\npixels: {burned_in: redact-phi}\n"), "clean_pixel_data"));
  // Several mistakes: all of them are reported.
  const std::string many = ErrorOf("name: x\nfoo: 1\nbar: 2\n");
  CHECK(Contains(many, "'foo'"));
  CHECK(Contains(many, "'bar'"));
}

TEST_CASE("overrides are ordered, first match wins, and address tags, masks and private creators") {
  auto p = ParseProfile(R"Y(
name: t
rules:
  - {keyword: StudyDescription, action: replace, value: RESEARCH}
  - {tag: "(0008,1030)", action: keep}
  - {tag: "(60xx,3000)", action: keep}
  - {private: "ACME 1.0", element: "xx10", group: "0029", action: keep}
  - {keyword: AccessionNumber, action: pseudonym, value: "ACC{hmac:8}"}
)Y", "t.yaml");
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  RuleResolver r(*p);
  const Resolution& d = r.Resolve({0x0008, 0x1030}, "LO", "");
  CHECK(d.action.kind == ActionKind::kReplace);
  CHECK(d.action.value == "RESEARCH");
  CHECK(d.override_origin.find("rules[0]") == 0);
  CHECK(r.Resolve({0x6002, 0x3000}, "OW", "").action.kind == ActionKind::kKeep);
  CHECK(r.Resolve({0x0029, 0x1110}, "LO", "ACME 1.0").action.kind == ActionKind::kKeep);
  CHECK(r.Resolve({0x0029, 0x1110}, "LO", "ACME 2.0").action.kind == ActionKind::kRemove);
  CHECK(r.Resolve({0x0031, 0x1110}, "LO", "ACME 1.0").action.kind == ActionKind::kRemove);
  CHECK(r.Resolve({0x0008, 0x0050}, "SH", "").action.value == "ACC{hmac:8}");
}
