#pragma once
// SHA-256, HMAC-SHA256 and Ed25519 signatures (OpenSSL). Lives in core
// because ingest, the anonymizer and release all hash or sign, and one
// implementation serves them.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rwd {

using Digest = std::array<uint8_t, 32>;

std::string ToHex(std::span<const uint8_t> bytes);

// Streaming SHA-256. Not thread-safe; one per thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::span<const uint8_t> data);
  void Update(std::string_view data);
  Digest Finish();  // resets for reuse

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest Sha256Of(std::span<const uint8_t> data);
std::string Sha256Hex(std::span<const uint8_t> data);
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 of message under key. Thread-safe (no shared state).
Digest HmacSha256(std::span<const uint8_t> key, std::string_view message);

// Ed25519 (RFC 8032) key pair as PEM text: the private key PKCS#8
// ("BEGIN PRIVATE KEY", unencrypted), the public key SubjectPublicKeyInfo
// ("BEGIN PUBLIC KEY"), the forms `openssl pkeyutl` reads.
struct Ed25519KeyPair {
  std::string private_pem;  // secret: never logged
  std::string public_pem;
};

// A new key pair from OpenSSL's CSPRNG. Fails with kInternal.
Result<Ed25519KeyPair> GenerateEd25519KeyPair();
// The public key of a private key. Fails with kKeyError when `private_pem`
// is not an Ed25519 private key.
Result<std::string> Ed25519PublicPem(std::string_view private_pem);
// The 64-byte signature of `message` (pure Ed25519, no pre-hash: what
// `openssl pkeyutl -sign -rawin` makes). Fails with kKeyError.
Result<std::vector<uint8_t>> Ed25519Sign(std::string_view private_pem, std::span<const uint8_t> message);
// Ok when `signature` is a valid signature of `message` under the key;
// kKeyError when the key cannot be read; kUnsafe when the signature does not
// verify. Thread-safe (no shared state).
// The fingerprint recipients compare with the one the site published: hex
// SHA-256 of the DER public key (= `openssl pkey -pubin -in KEY.pem -outform
// DER | sha256sum`). kKeyError when `public_pem` is not an Ed25519 key.
Result<std::string> Ed25519Fingerprint(std::string_view public_pem);
Status Ed25519Verify(std::string_view public_pem, std::span<const uint8_t> message,
                     std::span<const uint8_t> signature);

}  // namespace rwd
