#pragma once
// What a profile does to one attribute.
#include <optional>
#include <string>
#include <string_view>

namespace rwd::rules {

enum class ActionKind {
  kKeep,       // K: value unchanged
  kRemove,     // X: attribute removed
  kEmpty,      // Z: zero length (Type 2 stays present)
  kDummy,      // D: a non-identifying value valid for the VR
  kClean,      // C: identifying text removed, the rest kept
  kUid,        // U: keyed remap to a 2.25 UID
  kShift,      // dates/times moved by the per-patient keyed offset
  kPseudonym,  // keyed pseudonym in the profile's format
  kReplace,    // a constant from the profile
  kHash,       // keyed hash of the value
};

const char* ActionName(ActionKind kind);  // "keep", "remove", ...
std::optional<ActionKind> ParseActionName(std::string_view name);

struct Action {
  ActionKind kind = ActionKind::kRemove;
  std::string value;  // kReplace: the constant; kPseudonym: the format
  bool operator==(const Action&) const = default;
};

}  // namespace rwd::rules
