#include "gateway/gate/text_fold.h"

#include <cstdint>

namespace rwd::gateway::gate {
namespace {

// The small letter of a code point (Unicode simple case folding for the
// blocks named in the header), else the code point itself.
uint32_t FoldCodePoint(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;                   // Latin-1: À..Þ except ×
  if (c >= 0x100 && c <= 0x137) return c | 1;                       // Ā..ķ: pairs, capital even
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;         // Ĺ..ň: capital odd
  if (c >= 0x14A && c <= 0x177) return c | 1;                       // Ŋ..ŷ
  if (c == 0x178) return 0xFF;                                      // Ÿ
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;         // Ź..ž
  if (c == 0x386) return 0x3AC;                                     // Greek with tonos
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;        // Α..Ϋ
  if (c == 0x3C2) return 0x3C3;                                     // final sigma
  if (c >= 0x400 && c <= 0x40F) return c + 80;                      // Ѐ..Џ
  if (c >= 0x410 && c <= 0x42F) return c + 32;                      // А..Я
  return c;
}

void AppendUtf8(uint32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

std::string FoldCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    // Two-byte sequences cover every letter folded here; longer ones and
    // invalid bytes are copied unchanged.
    if ((b & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80 && b >= 0xC2) {
      AppendUtf8(FoldCodePoint((static_cast<uint32_t>(b & 0x1F) << 6) | (s[i + 1] & 0x3F)), out);
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(b));
    ++i;
  }
  return out;
}

}  // namespace rwd::gateway::gate
