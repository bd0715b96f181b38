#pragma once
// The gate's text codecs, one per character set per thread: creating a
// converter (iconv underneath) costs more than checking a whole header.
#include <string_view>

#include "core/text_codec.h"

namespace rwd::gateway::gate {

// The codec for `specific_character_set`; nullptr when values are already
// UTF-8 or ASCII, or the character set is unknown (then text is matched as
// raw bytes only). Valid for the calling thread's lifetime.
const TextCodec* CodecFor(std::string_view specific_character_set);

// True when `raw` needs no decoding: printable ASCII and control characters
// but ESC (ISO 2022 escape sequences switch sets without a byte >= 0x80).
inline bool PlainAscii(std::string_view raw) {
  for (char c : raw)
    if (static_cast<unsigned char>(c) >= 0x80 || c == 0x1B) return false;
  return true;
}

}  // namespace rwd::gateway::gate
