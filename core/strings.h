#pragma once
// String helpers for DICOM values, shared across folders.
#include <string>
#include <string_view>

namespace rwd {

// A value without its DICOM padding: trailing spaces and NULs, leading spaces.
inline std::string_view TrimValue(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// ASCII upper case (bytes >= 0x80 unchanged: safe on UTF-8 and ISO 8859).
inline std::string AsciiUpper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return u;
}

}  // namespace rwd
