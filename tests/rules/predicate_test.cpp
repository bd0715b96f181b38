// rules/predicate.h: one engine for the profile's filter and the known
// burned-in regions (issue 8.2, STYLE.md): the same comparison rules
// (padding and case ignored) wherever a condition comes from.
#include "rules/predicate.h"

#include <doctest/doctest.h>

#include <map>

#include "rules/profile_loader.h"

using namespace rwd;
using namespace rwd::rules;

namespace {
HeaderValue Header(std::map<uint32_t, std::string> values) {
  return [values = std::move(values)](Tag t) -> std::optional<std::string> {
    auto it = values.find(t.key());
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}
constexpr uint32_t kModality = 0x00080060, kSeries = 0x0008103E;
}  // namespace

TEST_CASE("conditions: each operator, padding and case ignored, absent attributes") {
  using Op = Condition::Op;
  const HeaderValue h = Header({{kModality, "CT "}, {kSeries, "Low Dose Chest"}});
  CHECK(Condition{0x0008, 0x0060, Op::kEquals, {"ct"}}.Holds(h));
  CHECK_FALSE(Condition{0x0008, 0x0060, Op::kNotEquals, {"MR", "CT"}}.Holds(h));
  CHECK(Condition{0x0008, 0x103E, Op::kContains, {"DOSE"}}.Holds(h));
  CHECK(Condition{0x0008, 0x103E, Op::kNotContains, {"report"}}.Holds(h));
  CHECK(Condition{0x0008, 0x103E, Op::kStartsWith, {"low"}}.Holds(h));
  CHECK(Condition{0x0008, 0x103E, Op::kEndsWith, {"chest"}}.Holds(h));
  CHECK(Condition{0x0008, 0x0070, Op::kMissing, {}}.Holds(h));
  CHECK_FALSE(Condition{0x0008, 0x0070, Op::kEquals, {""}}.Holds(h));
  CHECK(Condition{0x0008, 0x0070, Op::kNotContains, {"GE"}}.Holds(h));  // absent: contains nothing
  CHECK(AllHold({}, h));
}

TEST_CASE("the profile filter is evaluated by the same engine") {
  auto p = ParseProfile("name: x\nfilter:\n  reject:\n    - {Modality: [SR, pr]}\n    - {Modality: CT, SeriesDescription: SCOUT}\n",
                        "p.yaml");
  REQUIRE(p.ok());
  REQUIRE(p->reject.size() == 2);
  CHECK(p->reject[0].all_of[0].op == Condition::Op::kEquals);
  const FilterEntry* pr = RejectingEntry(*p, Header({{kModality, "PR"}}));
  REQUIRE(pr != nullptr);
  CHECK(pr->origin.find("filter.reject[0]") == 0);
  CHECK(RejectingEntry(*p, Header({{kModality, "CT"}, {kSeries, "scout "}})) == &p->reject[1]);
  CHECK(RejectingEntry(*p, Header({{kModality, "CT"}, {kSeries, "AXIAL"}})) == nullptr);
  CHECK(RejectingEntry(*p, Header({})) == nullptr);
}
