#pragma once
// Converts text values between an object's Specific Character Set (0008,0005)
// and UTF-8, so free text can be cleaned whatever the encoding and written
// back in it (DCMTK's converter, glibc iconv underneath; Japanese ISO 2022,
// which iconv cannot do, through core/iso2022_japanese.h on ICU).
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rwd {

class TextCodec {
 public:
  // `specific_character_set` as stored in (0008,0005), possibly multi-valued.
  static Result<std::unique_ptr<TextCodec>> Create(std::string_view specific_character_set);
  ~TextCodec();

  // True when values are already UTF-8 or plain ASCII (no conversion needed).
  bool is_utf8() const { return identity_; }
  // True for ISO 2022 code extensions (several values, escape sequences):
  // text cannot be written back in them, the object must go to UTF-8.
  static bool HasCodeExtensions(std::string_view specific_character_set);

  // `person_name`: PN values, whose '^' and '=' reset ISO 2022 state.
  Result<std::string> ToUtf8(std::string_view raw, bool person_name) const;
  Result<std::string> FromUtf8(std::string_view utf8) const;

 private:
  TextCodec() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool identity_ = true;
};

}  // namespace rwd
