#pragma once
// Deterministic keyed pseudonymisation (HMAC-SHA256 under the project key):
// the same input gives the same output on any machine, with no lookup table.
// Each use has its own domain label so outputs of different uses never match.
// Thread-safe (immutable after construction).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"

namespace rwd::anon {

// "2.25." and the first 128 bits of `digest` as one decimal integer (PS3.5
// B.2): the UID form every UID rwdgate makes takes.
std::string UidFromDigest(const Digest& digest);

class KeyedIds {
 public:
  explicit KeyedIds(std::vector<uint8_t> key) : key_(std::move(key)) {}

  // "2.25.<decimal of 128 bits of HMAC>" for any UID the standard does not
  // define; valid well-known UIDs (rules::IsWellKnownUid) and registered
  // private SOP classes (uid_policy.h) come back unchanged.
  std::string MapUid(std::string_view uid) const;
  // `format` holds one "{hmac:N}": replaced by N characters (Crockford base32).
  std::string Pseudonym(std::string_view format, std::string_view value) const;
  // Per-patient whole-day offset in [min_days, max_days].
  int DateShiftDays(std::string_view patient_key, int min_days, int max_days) const;
  // Keyed hash of a value (16 base32 characters), for action `hash`.
  std::string Hash(std::string_view value) const;
  // Full hex HMAC of an original identifier, for the provenance database.
  std::string DbHmac(std::string_view value) const;

 private:
  std::vector<uint8_t> key_;
};

}  // namespace rwd::anon
