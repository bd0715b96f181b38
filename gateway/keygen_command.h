#pragma once
// `rwdgate keygen --sign [--workdir DIR] [--force]`: makes the Ed25519 key
// pair that signs release manifests (signing_key.h).
#include <string>

namespace rwd::gateway {

struct KeygenArgs {
  bool sign = false;  // --sign: the manifest signing key (the only kind so far)
  std::string workdir = "rwdgate-work";
  bool force = false;  // replace an existing key
};

// Prints the public key (PEM) and its fingerprint on stdout. Exit 0; 2 for a
// usage error or an existing key without --force; 1 when files cannot be written.
int KeygenCommand(const KeygenArgs& args);

}  // namespace rwd::gateway
