#pragma once
// `rwdgate profile ...`: tools for the data protection officer.
#include <string>

namespace rwd::gateway {

struct ProfileArgs {
  std::string file, other;  // other: the second profile of `diff`
  std::string tag;          // explain --tag: a tag or keyword
  bool all = false;         // explain --all: also rows whose action is remove
};

// Validates a profile: prints a one-line description (exit 0) or every error
// with file:line:column (exit 2).
int ProfileCheckCommand(const ProfileArgs& args);
// Prints what the profile does to every attribute it touches and the policy
// for everything else (exit 0; 2 when the profile is invalid).
int ProfileExplainCommand(const ProfileArgs& args);
// Prints what differs in effect between two profiles (exit 0 either way).
int ProfileDiffCommand(const ProfileArgs& args);

}  // namespace rwd::gateway
