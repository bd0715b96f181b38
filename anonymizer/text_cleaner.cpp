#include "anonymizer/text_cleaner.h"

#include "core/strings.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace rwd::anon {
void TextCleaner::AddName(std::string_view pn) {
  std::string part;
  for (size_t i = 0; i <= pn.size(); ++i) {
    const char c = i < pn.size() ? pn[i] : '^';
    if (c == '^' || c == '=' || c == ' ' || c == ',' || c == '\\') {
      if (part.size() >= 2) terms_.push_back(AsciiUpper(part));
      part.clear();
    } else {
      part.push_back(c);
    }
  }
}

void TextCleaner::AddValue(std::string_view value) {
  for (size_t start = 0;;) {
    const size_t end = value.find('\\', start);
    const std::string v = std::string(TrimValue(value.substr(start, end - start)));
    if (v.size() >= 2) terms_.push_back(AsciiUpper(v));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void TextCleaner::AddDate(std::string_view da) {
  const std::string d = std::string(TrimValue(da));
  if (d.size() != 8) return;
  const std::string y = d.substr(0, 4), m = d.substr(4, 2), dd = d.substr(6, 2);
  for (const std::string& s : {d, y + "-" + m + "-" + dd, dd + "." + m + "." + y, m + "/" + dd + "/" + y,
                               dd + "/" + m + "/" + y, y + "/" + m + "/" + dd})
    terms_.push_back(s);
}

std::string TextCleaner::Clean(std::string_view text) const {
  std::string out(text);
  std::vector<std::string> terms = terms_;
  std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& t : terms) {
    std::string upper = AsciiUpper(out);
    size_t pos = 0;
    while ((pos = upper.find(t, pos)) != std::string::npos) {
      out.replace(pos, t.size(), kMark);
      upper.replace(pos, t.size(), kMark);
      pos += std::char_traits<char>::length(kMark);
    }
  }
  // Patterns that identify whoever they belong to.
  static const std::regex kPatterns[] = {
      std::regex(R"(\+?\(?\d{2,4}\)?[\s./-]?\d{2,4}[\s./-]?\d{3,5}([\s./-]?\d{2,5})?)"),  // phones
      std::regex(R"(\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b)"),                               // dates
      std::regex(R"(\b\d{6,}\b)"),                                                         // IDs
  };
  for (const std::regex& re : kPatterns) out = std::regex_replace(out, re, kMark);
  return out;
}

}  // namespace rwd::anon
