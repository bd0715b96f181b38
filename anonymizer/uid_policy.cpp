#include "anonymizer/uid_policy.h"

#include <algorithm>
#include <array>

#include "core/strings.h"
#include "rules/standard_tables.h"

namespace rwd::anon {
namespace {

constexpr std::array kPrivateSopClasses = {
#include "anonymizer/data/private_sop_classes.inc"
};

}  // namespace

bool IsValidUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = uid.find('.', start);
    const std::string_view part = uid.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || (part.size() > 1 && part[0] == '0')) return false;
    if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsKnownPrivateSopClass(std::string_view uid) {
  return std::find(kPrivateSopClasses.begin(), kPrivateSopClasses.end(), uid) != kPrivateSopClasses.end();
}

UidFate DecideUid(std::string_view uid, bool retain_uids) {
  uid = TrimValue(uid);
  if (uid.empty()) return UidFate::kKeep;
  if (!IsValidUid(uid)) return UidFate::kRemapInvalid;
  if (rules::IsWellKnownUid(uid) || IsKnownPrivateSopClass(uid)) return UidFate::kKeep;
  return retain_uids ? UidFate::kKeep : UidFate::kRemap;
}

std::string MapUidValues(std::string_view value, bool retain_uids, const KeyedIds& ids, int* invalid) {
  std::string out;
  for (size_t start = 0;;) {
    const size_t end = value.find('\\', start);
    const std::string_view one = TrimValue(value.substr(start, end == std::string_view::npos ? end : end - start));
    if (start) out.push_back('\\');
    switch (DecideUid(one, retain_uids)) {
      case UidFate::kKeep: out.append(one); break;
      case UidFate::kRemapInvalid:
        if (invalid) ++*invalid;
        out += ids.MapUid(one);
        break;
      case UidFate::kRemap: out += ids.MapUid(one); break;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace rwd::anon
