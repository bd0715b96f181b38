#pragma once
// Decides what the profile does to one attribute, and why: the PS3.15
// Table E.1-1 action, changed by the profile's options, then by its ordered
// overrides (first match wins). Not thread-safe (it caches): one per worker;
// construction is cheap.
#include <string>
#include <string_view>
#include <unordered_map>

#include "rules/profile.h"

namespace rwd::rules {

struct Resolution {
  Action action;
  std::string base_code;  // Table E.1-1 basic profile code, "" when not listed
  std::string option;     // the option that changed the base action, if any
  std::string override_origin;  // the override that decided, if any
  std::string why;        // one line for `profile explain`
};

class RuleResolver {
 public:
  explicit RuleResolver(const Profile& profile);

  // `vr` is the element's two-letter VR; `private_creator` is the creator of
  // a private data element ("" otherwise).
  // The reference is valid until the next call.
  const Resolution& Resolve(Tag tag, std::string_view vr, std::string_view private_creator);

  // The Table E.1-1 action code after options, for one row (for tests and
  // explain): e.g. "X/Z" with retain_uids stays "X/Z"; "U" becomes "K".
  static std::string ApplyOptions(const E11Row& row, const ProfileOptions& options,
                                  std::string* option_used);
  // The action a (possibly compound) PS3.15 code stands for. Compound codes
  // take the alternative that keeps the object valid without IOD knowledge:
  // X/Z -> Z, X/D, Z/D, X/Z/D -> D, X/Z/U* -> U. None of them keeps the value.
  static ActionKind CodeToAction(std::string_view code, std::string_view option_column);

  const Profile& profile() const { return profile_; }

 private:
  Resolution ResolvePublic(Tag tag, std::string_view vr) const;
  Resolution ResolvePrivate(Tag tag, std::string_view private_creator) const;
  const Override* FindOverride(Tag tag, std::string_view creator) const;

  const Profile& profile_;
  std::unordered_map<uint64_t, Resolution> cache_;  // public: (tag, VR) -> resolution
  Resolution scratch_;                               // private elements
  bool has_private_overrides_ = false;
};

}  // namespace rwd::rules
