#include "gateway/gate/term_matcher.h"

namespace rwd::gateway::gate {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x80 || IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool BoundariesHold(std::string_view s, size_t at, size_t len, const Identifier& term) {
  const bool has_before = at > 0, has_after = at + len < s.size();
  const char before = has_before ? s[at - 1] : ' ', after = has_after ? s[at + len] : ' ';
  if (term.kind == IdentifierKind::kUid) {
    if (has_before && (IsDigit(before) || before == '.')) return false;
    if (has_after && IsDigit(after)) return false;
    if (has_after && after == '.' && at + len + 1 < s.size() && IsDigit(s[at + len + 1])) return false;
    return true;
  }
  if (term.whole_word) return !(has_before && IsWordByte(before)) && !(has_after && IsWordByte(after));
  if (term.digits) return !(has_before && IsDigit(before)) && !(has_after && IsDigit(after));
  return true;
}

}  // namespace

bool Occurs(std::string_view folded, const Identifier& term) {
  const std::string_view t = term.text;
  if (t.empty() || t.size() > folded.size()) return false;
  for (size_t at = folded.find(t); at != std::string_view::npos; at = folded.find(t, at + 1))
    if (BoundariesHold(folded, at, t.size(), term)) return true;
  return false;
}

void ForEachOccurring(std::string_view folded, const std::vector<Identifier>& terms,
                      const std::function<void(const Identifier&)>& hit) {
  for (const Identifier& term : terms)
    if (Occurs(folded, term)) hit(term);
}

}  // namespace rwd::gateway::gate
