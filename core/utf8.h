#pragma once
// UTF-8 validity for text that leaves the process (reasons, findings, JSON):
// RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF).
#include <string>
#include <string_view>

namespace rwd {

// True when `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// `s` with every byte that is not part of well-formed UTF-8 replaced by '?'.
std::string ToValidUtf8(std::string_view s);

}  // namespace rwd
