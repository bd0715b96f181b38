#pragma once
// A DICOM attribute tag and the data dictionary (keyword <-> tag, VR).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rwd {

struct Tag {
  uint16_t group = 0;
  uint16_t element = 0;

  constexpr uint32_t key() const {
    return (static_cast<uint32_t>(group) << 16) | element;
  }
  constexpr bool IsPrivate() const { return (group & 1) != 0; }
  // (gggg,0010)-(gggg,00FF) in an odd group: reserves a block for a creator.
  constexpr bool IsPrivateCreator() const {
    return IsPrivate() && element >= 0x10 && element <= 0xFF;
  }
  // The creator slot (gggg,00xx) that owns private element (gggg,xxyy).
  constexpr Tag CreatorSlot() const {
    return Tag{group, static_cast<uint16_t>(element >> 8)};
  }
  constexpr auto operator<=>(const Tag&) const = default;

  // Accepts "(0010,0020)", "0010,0020" and "00100020" (hex, any case).
  static std::optional<Tag> Parse(std::string_view text);
  std::string ToString() const;  // "(0010,0020)"
};

// Data dictionary look-ups (DCMTK's dictionary). Keyword "" when unknown.
std::optional<Tag> TagFromKeyword(std::string_view keyword);
std::string KeywordOf(Tag tag);
// Two-letter VR of a public tag from the dictionary; "" when unknown.
std::string DictionaryVr(Tag tag);

}  // namespace rwd
