#pragma once
// Text sealed with the project key (AES-256-GCM, OpenSSL), for values the
// provenance database must be able to give back to the key holder but must
// not hold in clear: source paths, which in PACS exports are often named
// after patients. The sealing key is HMAC-SHA256(project key, "rwdgate
// seal v1"), so it is never the key used for pseudonyms.
// Format: hex(12-byte random nonce || ciphertext || 16-byte tag).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd {

std::string SealText(std::span<const uint8_t> project_key, std::string_view plain);
// kInvalidArgument when the text was not sealed with this key or was altered.
Result<std::string> OpenSealedText(std::span<const uint8_t> project_key, std::string_view sealed);

}  // namespace rwd
