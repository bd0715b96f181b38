#include "rules/predicate.h"

#include <algorithm>

#include "core/strings.h"

namespace rwd::rules {
namespace {

std::string Normal(std::string_view s) { return AsciiUpper(TrimValue(s)); }

}  // namespace

bool Condition::Holds(const HeaderValue& header) const {
  const std::optional<std::string> raw = header(tag());
  switch (op) {
    case Op::kPresent:
      return raw.has_value();
    case Op::kMissing:
      return !raw.has_value();
    case Op::kEmpty:
      return raw.has_value() && Normal(*raw).empty();
    default:
      break;
  }
  const std::string value = raw ? Normal(*raw) : std::string();
  bool any = false;
  for (const std::string& want_raw : any_of) {
    const std::string want = Normal(want_raw);
    if (!raw) break;
    switch (op) {
      case Op::kContains:
      case Op::kNotContains:
        any = value.find(want) != std::string::npos;
        break;
      case Op::kEquals:
      case Op::kNotEquals:
        any = value == want;
        break;
      case Op::kStartsWith:
        any = value.rfind(want, 0) == 0;
        break;
      case Op::kEndsWith:
        any = value.size() >= want.size() && value.compare(value.size() - want.size(), want.size(), want) == 0;
        break;
      default:
        break;
    }
    if (any) break;
  }
  return op == Op::kNotContains || op == Op::kNotEquals ? !any : any;
}

bool AllHold(const std::vector<Condition>& all_of, const HeaderValue& header) {
  return std::all_of(all_of.begin(), all_of.end(), [&](const Condition& c) { return c.Holds(header); });
}

}  // namespace rwd::rules
