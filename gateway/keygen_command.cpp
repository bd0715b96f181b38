#include "gateway/keygen_command.h"

#include <iostream>

#include "gateway/signing_key.h"

namespace rwd::gateway {

int KeygenCommand(const KeygenArgs& a) {
  if (!a.sign) {
    std::cerr << "rwdgate keygen: say which key: --sign (the release manifest signing key)\n";
    return 2;
  }
  auto files = CreateSigningKey(a.workdir, a.force);
  if (!files.ok()) {
    std::cerr << "rwdgate keygen: " << files.status().message() << "\n";
    return files.status().code() == ErrorCode::kKeyError && files.status().message().find("exists") != std::string::npos
               ? 2
               : 1;
  }
  std::cerr << "private key: " << files->private_path << " (mode 0600; keep it there, back it up)\n"
            << "public key:  " << files->public_path << " (give it to recipients)\n";
  std::cout << files->public_pem << "fingerprint (SHA-256 of the DER public key): " << files->fingerprint << "\n";
  return 0;
}

}  // namespace rwd::gateway
