#include "core/dcmtk_condition.h"

namespace rwd {

std::string ConditionText(const OFCondition& c) {
  std::string out;
  for (const char* p = c.text(); p && *p; ++p) {
    const unsigned char ch = static_cast<unsigned char>(*p);
    if (ch < 0x20 || ch >= 0x7F || ch == '\'' || ch == '"' || ch == '[' || ch == '`') break;
    out.push_back(static_cast<char>(ch));
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ':')) out.pop_back();
  out += " (DCMTK " + std::to_string(c.module()) + "." + std::to_string(c.code()) + ")";
  return out;
}

}  // namespace rwd
