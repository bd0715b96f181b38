#pragma once
// `rwdgate profile ...`: tools for the data protection officer.
#include <string>

namespace rwd::gateway {

struct ProfileArgs {
  std::string file;
};

// Validates a profile: prints "OK" and a one-line description (exit 0) or
// every error with file:line:column (exit 2).
int ProfileCheckCommand(const ProfileArgs& args);

}  // namespace rwd::gateway
