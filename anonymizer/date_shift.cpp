#include "anonymizer/date_shift.h"

#include <algorithm>
#include <cstdio>

namespace rwd::anon {
namespace {

// Howard Hinnant's civil date algorithms (public domain).
long DaysFromCivil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}
void CivilFromDays(long z, long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}
bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<long> DaysFromDa(std::string_view da) {
  if (da.size() != 8 || !AllDigits(da)) return std::nullopt;
  const long y = std::stol(std::string(da.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoul(std::string(da.substr(4, 2))));
  const unsigned d = static_cast<unsigned>(std::stoul(std::string(da.substr(6, 2))));
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const long days = DaysFromCivil(y, m, d);
  long yy;
  unsigned mm, dd;
  CivilFromDays(days, yy, mm, dd);
  if (yy != y || mm != m || dd != d) return std::nullopt;  // e.g. 20230231
  return days;
}

std::string DaFromDays(long days) {
  static const long kMin = DaysFromCivil(1, 1, 1), kMax = DaysFromCivil(9999, 12, 31);
  days = std::clamp(days, kMin, kMax);
  long y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04ld%02u%02u", y, m, d);
  return buf;
}

std::string ShiftDateValue(std::string_view value, std::string_view vr, int days) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t end = value.find('\\', start);
    std::string_view v = value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.remove_suffix(1);
    if (start != 0) out.push_back('\\');
    if (vr == "DA") {
      if (auto d = DaysFromDa(v)) out += DaFromDays(*d + days);
    } else if (vr == "DT" && v.size() >= 8) {
      if (auto d = DaysFromDa(v.substr(0, 8))) out += DaFromDays(*d + days) + std::string(v.substr(8));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace rwd::anon
