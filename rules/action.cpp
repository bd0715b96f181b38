#include "rules/action.h"

#include <array>
#include <utility>

namespace rwd::rules {
namespace {
constexpr std::array<std::pair<ActionKind, const char*>, 10> kNames{{
    {ActionKind::kKeep, "keep"},       {ActionKind::kRemove, "remove"},
    {ActionKind::kEmpty, "empty"},     {ActionKind::kDummy, "dummy"},
    {ActionKind::kClean, "clean"},     {ActionKind::kUid, "uid"},
    {ActionKind::kShift, "shift"},     {ActionKind::kPseudonym, "pseudonym"},
    {ActionKind::kReplace, "replace"}, {ActionKind::kHash, "hash"},
}};
}  // namespace

const char* ActionName(ActionKind kind) {
  for (const auto& [k, n] : kNames)
    if (k == kind) return n;
  return "?";
}

std::optional<ActionKind> ParseActionName(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (name == n) return k;
  return std::nullopt;
}

}  // namespace rwd::rules
