#include "anonymizer/pixel/phi_text_matcher.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace rwd::anon::pixel {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '|' || c == '!' || c == '$'; }

// Look-alike characters OCR confuses, folded to one representative.
char Fold(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  switch (c) {
    case '0':
    case 'Q':
    case 'D':
      return 'O';
    case '1':
    case 'L':
    case '|':
    case '!':
      return 'I';
    case '5':
    case '$':
      return 'S';
    case '8':
      return 'B';
    case '2':
      return 'Z';
    case '6':
      return 'G';
    case 'U':
      return 'V';
    default:
      return c;
  }
}

// Words of letters and digits, look-alikes folded (or only uppercased).
std::vector<std::string> CanonicalWords(std::string_view text, bool fold = true) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (IsWordChar(c)) {
      w.push_back(fold ? Fold(c) : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

// Smallest edit distance between `pattern` and any substring of `text`
// (Sellers' algorithm: free start and end in the text).
int SubstringDistance(const std::string& pattern, const std::string& text) {
  std::vector<int> prev(pattern.size() + 1), cur(pattern.size() + 1);
  for (size_t i = 0; i <= pattern.size(); ++i) prev[i] = static_cast<int>(i);
  int best = prev.back();
  for (char t : text) {
    cur[0] = 0;
    for (size_t i = 1; i <= pattern.size(); ++i)
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pattern[i - 1] == t ? 0 : 1)});
    best = std::min(best, cur.back());
    std::swap(prev, cur);
  }
  return best;
}

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev.back();
}

int AllowedErrors(size_t length) { return length >= 12 ? 2 : length >= 6 ? 1 : 0; }

// A birth date (DA, YYYYMMDD) as people print it: ISO, European, US, with
// two- or four-digit years and month names, separators removed.
std::vector<std::string> DateForms(const std::string& da) {
  std::string d;
  for (char c : da)
    if (std::isdigit(static_cast<unsigned char>(c))) d.push_back(c);
  if (d.size() != 8) return {};
  static constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const std::string yyyy = d.substr(0, 4), yy = d.substr(2, 2), mm = d.substr(4, 2), dd = d.substr(6, 2);
  const int month = std::stoi(mm);
  std::vector<std::string> forms = {yyyy + mm + dd, dd + mm + yyyy, mm + dd + yyyy, dd + mm + yy, mm + dd + yy};
  if (month >= 1 && month <= 12) {
    const std::string mon = kMonths[month - 1];
    forms.insert(forms.end(), {dd + mon + yyyy, dd + mon + yy, mon + dd + yyyy, yyyy + mon + dd});
    // Days without the leading zero ("7 MAR 1964").
    if (dd[0] == '0') forms.insert(forms.end(), {dd.substr(1) + mon + yyyy, mon + dd.substr(1) + yyyy});
  }
  return forms;
}

// Digits as OCR may have read them, back to digits, in tokens that are
// mostly digits ("3O.O3.1964" -> "30.03.1964").
std::string Digitized(std::string_view text) {
  std::string out(text);
  size_t start = 0;
  while (start < out.size()) {
    size_t end = start;
    while (end < out.size() && out[end] != ' ') ++end;
    int digits = 0, alnum = 0;
    for (size_t i = start; i < end; ++i) {
      const unsigned char c = static_cast<unsigned char>(out[i]);
      digits += std::isdigit(c) != 0;
      alnum += std::isalnum(c) != 0;
    }
    if (alnum > 0 && digits * 2 >= alnum) {
      for (size_t i = start; i < end; ++i) {
        switch (out[i]) {
          case 'O':
          case 'D':
          case 'Q':
          case '@':
            out[i] = '0';
            break;
          case 'I':
          case 'L':
          case '|':
          case '!':
            out[i] = '1';
            break;
          case 'S':
            out[i] = '5';
            break;
          case 'B':
            out[i] = '8';
            break;
          case 'Z':
            out[i] = '2';
            break;
          case 'G':
            out[i] = '6';
            break;
          default:
            break;
        }
      }
    }
    start = end + 1;
  }
  return out;
}

const std::vector<std::regex>& DatePatterns() {
  static const std::vector<std::regex> patterns = [] {
    const std::string months = "(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*";
    const std::string before = "(^|[^0-9])", after = "([^0-9]|$)";
    std::vector<std::regex> p;
    for (const std::string& s : {
             before + "[0-9]{1,2} ?[./-] ?[0-9]{1,2} ?[./-] ?([0-9]{4}|[0-9]{2})" + after,
             // Any four-digit year: OCR misreads digits ("2024" as "2624").
             before + "[0-9]{4} ?[./-] ?[0-9]{1,2} ?[./-] ?[0-9]{1,2}" + after,
             before + "(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])" + after,
             before + "[0-9]{1,2}[ ./-]*" + months + "[ ./,-]*([0-9]{4}|[0-9]{2})" + after,
             months + "[ ./-]*[0-9]{1,2}(ST|ND|RD|TH)?[ ./,-]*([0-9]{4}|[0-9]{2})" + after,
         })
      p.emplace_back(s, std::regex::ECMAScript | std::regex::optimize);
    return p;
  }();
  return patterns;
}

const std::regex& LongNumber() {
  static const std::regex r("(^|[^0-9])[0-9]{6,}([^0-9]|$)", std::regex::ECMAScript | std::regex::optimize);
  return r;
}

}  // namespace

std::string CanonicalCompact(std::string_view text) {
  std::string out;
  for (char c : text)
    if (IsWordChar(c)) out.push_back(Fold(c));
  return out;
}

PhiTextMatcher::PhiTextMatcher(const PhiTerms& terms) {
  auto add = [&](const std::string& compact, std::vector<std::string> words, const char* kind) {
    if (compact.size() < 2) return;
    terms_.push_back({compact, std::move(words), AllowedErrors(compact.size()), kind, false, ""});
  };
  // Names: every word of the family, given and middle names of every person
  // name (PS3.5 6.2: family^given^middle^prefix^suffix; titles are not
  // identifying), in any order.
  for (const std::string& pn : terms.names) {
    size_t component = 0;
    std::string part;
    for (char c : pn + "\\") {
      if (c == '^' || c == '=' || c == '\\') {
        if (component < 3)
          for (const std::string& word : CanonicalWords(part, false)) {
            add(CanonicalCompact(word), {}, "name");
            if (!terms_.empty() && word.size() <= 3) terms_.back().plain = word;
          }
        part.clear();
        component = c == '^' ? component + 1 : 0;  // '=' and '\\' start another name
      } else {
        part.push_back(c);
      }
    }
  }
  // Identifiers and other values: the whole value, and for values of
  // several words (an institution) its longer words.
  for (const std::string& value : terms.values) {
    std::vector<std::string> words;
    for (std::string& w : CanonicalWords(value))
      if (w.size() >= 4) words.push_back(std::move(w));
    const std::string compact = CanonicalCompact(value);
    if (compact.size() >= 3) add(compact, words.size() >= 2 ? words : std::vector<std::string>{}, "identifier");
    // Identifiers that are mostly digits (IDs, accession numbers) also match
    // in part.
    int digits = 0;
    for (char c : value) digits += std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (compact.size() >= 6 && digits * 2 >= static_cast<int>(compact.size()) && !terms_.empty() &&
        terms_.back().compact == compact)
      terms_.back().partial = true;
  }
  for (const std::string& da : terms.dates)
    for (const std::string& form : DateForms(da)) add(CanonicalCompact(form), {}, "birth date");
}

std::optional<std::string> PhiTextMatcher::Match(std::string_view text) const {
  const std::string compact = CanonicalCompact(text);
  const std::vector<std::string> words = CanonicalWords(text), plain = CanonicalWords(text, false);
  for (const Term& t : terms_) {
    if (t.compact.size() <= 3) {
      // Short names and values only as a whole word, and as written: "LI" is
      // in too many words, and folded it is "11".
      const std::string& want = t.plain.empty() ? t.compact : t.plain;
      const std::vector<std::string>& among = t.plain.empty() ? words : plain;
      if (std::find(among.begin(), among.end(), want) != among.end()) return std::string(t.kind);
    } else if (compact.find(t.compact) != std::string::npos ||
               (t.max_errors > 0 && SubstringDistance(t.compact, compact) <= t.max_errors)) {
      return std::string(t.kind);
    }
    // Part of a long identifier (OCR lost a digit or two, or the value was
    // printed in parts): a run of half its length, four at least.
    if (t.partial && compact.size() >= 4) {
      const size_t run = std::max<size_t>(4, t.compact.size() / 2);
      for (size_t i = 0; i + run <= compact.size(); ++i)
        if (t.compact.find(compact.substr(i, run)) != std::string::npos) return std::string(t.kind);
    }
    if (!t.words.empty()) {
      int found = 0;
      for (const std::string& tw : t.words)
        for (const std::string& w : words)
          if (EditDistance(tw, w) <= AllowedErrors(tw.size())) {
            ++found;
            break;
          }
      if (found >= 2) return std::string(t.kind);
    }
  }
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string digits = Digitized(upper);
  for (const std::regex& r : DatePatterns())
    if (std::regex_search(upper, r) || std::regex_search(digits, r)) return std::string("date");
  if (std::regex_search(digits, LongNumber())) return std::string("long number");
  return std::nullopt;
}

}  // namespace rwd::anon::pixel
