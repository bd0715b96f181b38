#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL). Lives in core because ingest, the
// anonymizer and release all hash, and one implementation serves them.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

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

}  // namespace rwd
