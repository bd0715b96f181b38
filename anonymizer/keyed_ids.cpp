#include "anonymizer/keyed_ids.h"

#include <algorithm>
#include <regex>

#include "anonymizer/uid_policy.h"
#include "core/crypto.h"
#include "rules/standard_tables.h"
#include "core/strings.h"

namespace rwd::anon {
namespace {

Digest Mac(const std::vector<uint8_t>& key, std::string_view domain, std::string_view value) {
  std::string msg(domain);
  msg.push_back('\0');
  msg.append(value);
  return HmacSha256(key, msg);
}

std::string Base32(const Digest& d, size_t n) {
  static const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : d) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5 && out.size() < n) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}


}  // namespace

std::string UidFromDigest(const Digest& d) {
  unsigned __int128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | d[i];
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

std::string KeyedIds::MapUid(std::string_view uid) const {
  uid = TrimValue(uid);
  if (uid.empty() || (IsValidUid(uid) && (rules::IsWellKnownUid(uid) || IsKnownPrivateSopClass(uid))))
    return std::string(uid);
  return UidFromDigest(Mac(key_, "uid", uid));
}

std::string KeyedIds::Pseudonym(std::string_view format, std::string_view value) const {
  static const std::regex kSlot(R"(\{hmac:([0-9]+)\})");
  const std::string f(format);
  std::smatch m;
  if (!std::regex_search(f, m, kSlot)) return f;
  const size_t n = std::min<size_t>(std::stoul(m[1]), 51);
  return m.prefix().str() + Base32(Mac(key_, "patient", TrimValue(value)), n) + m.suffix().str();
}

int KeyedIds::DateShiftDays(std::string_view patient_key, int min_days, int max_days) const {
  const Digest d = Mac(key_, "dateshift", TrimValue(patient_key));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  const uint64_t span = static_cast<uint64_t>(max_days - min_days) + 1;
  return min_days + static_cast<int>(v % span);
}

std::string KeyedIds::Hash(std::string_view value) const {
  return Base32(Mac(key_, "hash", TrimValue(value)), 16);
}

std::string KeyedIds::DbHmac(std::string_view value) const {
  return ToHex(Mac(key_, "provenance", TrimValue(value)));
}

}  // namespace rwd::anon
