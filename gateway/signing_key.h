#pragma once
// The Ed25519 key that signs release manifests, kept in the work dir:
//   WORKDIR/signing.key      private key (PKCS#8 PEM), mode 0600
//   WORKDIR/signing.pub.pem  its public key, to publish to recipients
#include <string>

#include "core/status.h"

namespace rwd::gateway {

inline constexpr const char* kSigningKeyFile = "signing.key";
inline constexpr const char* kSigningPublicKeyFile = "signing.pub.pem";

struct SigningKeyFiles {
  std::string private_path, public_path;
  std::string public_pem;
  std::string fingerprint;  // hex SHA-256 of the DER public key (core/crypto.h)
};

// Makes a new key pair in `workdir` (created 0700 when missing). Refuses to
// replace an existing private key unless `replace` (kKeyError): manifests
// signed with the old key then verify only with the old public key.
Result<SigningKeyFiles> CreateSigningKey(const std::string& workdir, bool replace);

// The private key PEM from `workdir`. kKeyError when it is missing (the
// message says to run `rwdgate keygen --sign`), readable by group or others,
// or not an Ed25519 key.
Result<std::string> LoadSigningKey(const std::string& workdir);

}  // namespace rwd::gateway
