#pragma once
// What objects.source_path holds for an input (--record-paths): the path
// relative to the input root in clear, or with the project key "hmac:" +
// the keyed HMAC of that path, so a path can be matched without being stored.
#include <string>
#include <vector>

#include "core/crypto.h"

namespace rwd::gateway {

inline std::string SourcePathId(const std::vector<uint8_t>& path_key, const std::string& rel) {
  if (path_key.empty()) return rel;
  return "hmac:" + ToHex(HmacSha256(path_key, "source path:" + rel));
}

}  // namespace rwd::gateway
