#pragma once
// Japanese ISO 2022 text in DICOM (PS3.5 6.1.2.5.3 and Annex H): the
// character sets ISO 2022 IR 13 (JIS X 0201 katakana, G1), IR 14 (JIS X 0201
// romaji), IR 87 (JIS X 0208) and IR 159 (JIS X 0212) switched by escape
// sequences. Debian's DCMTK converts through glibc iconv, which has no JIS
// X 0208; this decoder splits the value at its escape sequences and converts
// the two-byte runs with ICU (libicu, linked by core for this alone).
// Decode only: such objects are written back as ISO_IR 192.
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd {

// Whether a Specific Character Set (0008,0005) value names IR 87 or IR 159,
// which only this decoder converts here.
bool IsJapaneseIso2022(std::string_view specific_character_set);

// `raw` in the given character set (whose first value decides the state at
// the start and after each delimiter) to UTF-8. `person_name`: '^' and '='
// are delimiters too. Fails (kInvalidArgument, no value in the message) on
// an escape sequence or byte the character set does not allow.
Result<std::string> DecodeJapaneseIso2022(std::string_view raw, std::string_view specific_character_set,
                                          bool person_name);

}  // namespace rwd
