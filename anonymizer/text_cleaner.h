#pragma once
// Cleans free text (PS3.15 "C" for descriptors and structured content): the
// object's own identifying values are cut out wherever they appear, in any
// case, plus patterns that identify anyone (phone numbers, dates, long digit
// runs); the rest of the text stays.
#include <string>
#include <string_view>
#include <vector>

namespace rwd::anon {

class TextCleaner {
 public:
  // A person name (PN, '^' and '=' separated): each component of 2+ chars.
  void AddName(std::string_view pn);
  // An identifier or other value (ID, accession number, institution ...).
  void AddValue(std::string_view value);
  // A DA date: also its common spellings (2023-04-05, 05.04.2023, 04/05/2023).
  void AddDate(std::string_view da);

  std::string Clean(std::string_view text) const;
  static constexpr const char* kMark = "***";

 private:
  std::vector<std::string> terms_;  // upper case, longest first at Clean time
};

}  // namespace rwd::anon
