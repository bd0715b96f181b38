#pragma once
// `rwdgate verify DIR [--pubkey FILE] [--workdir DIR]`: checks a released cohort against its
// signed manifest (manifest_verifier.h).
#include <string>

namespace rwd::gateway {

struct VerifyArgs {
  std::string dir;
  std::string pubkey;  // "" = DIR/manifest.pub.pem
  std::string workdir;  // "" = the database is not checked
};

// Prints one line per problem ("altered: PATH: ...") and a summary. Exit 0
// only when the signature, the chain and every file hold; 1 otherwise.
int VerifyCommand(const VerifyArgs& args);

}  // namespace rwd::gateway
