#pragma once
// The project secret key behind every pseudonym, UID and date shift.
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::anon {

struct SecretKey {
  std::vector<uint8_t> bytes;  // 32 random bytes
  bool created = false;        // true when this call made the file
  std::string path;
};

// Reads the key file (64 hex digits). When it does not exist, creates it
// (and its folder) with 32 bytes from OpenSSL's CSPRNG, mode 0600. Refuses a
// key file that group or others can read: a leaked key re-identifies.
Result<SecretKey> LoadOrCreateKey(const std::string& path);

}  // namespace rwd::anon
