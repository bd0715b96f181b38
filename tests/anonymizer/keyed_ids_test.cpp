#include <doctest/doctest.h>

#include <set>

#include "anonymizer/keyed_ids.h"

using rwd::anon::KeyedIds;

TEST_CASE("UIDs map to 2.25 UIDs, deterministically per key, never touching standard UIDs") {
  KeyedIds a(std::vector<uint8_t>(32, 1)), a2(std::vector<uint8_t>(32, 1)), b(std::vector<uint8_t>(32, 2));
  const std::string uid = "1.2.826.0.1.3680043.9.7777.1.2.3";
  const std::string m = a.MapUid(uid);
  CHECK(m.rfind("2.25.", 0) == 0);
  CHECK(m.size() <= 64);
  CHECK(m.find_first_not_of("0123456789.") == std::string::npos);
  CHECK(m == a2.MapUid(uid));
  CHECK(m == a.MapUid(uid + " "));  // padding is not part of the UID
  CHECK(m != b.MapUid(uid));
  CHECK(m != a.MapUid(uid + "4"));
  CHECK(a.MapUid("1.2.840.10008.5.1.4.1.1.2") == "1.2.840.10008.5.1.4.1.1.2");
  CHECK(a.MapUid("2.16.840.1.113883.6.96") == "2.16.840.1.113883.6.96");  // SNOMED CT coding scheme
}

TEST_CASE("pseudonyms follow the format and the key") {
  KeyedIds a(std::vector<uint8_t>(32, 1)), b(std::vector<uint8_t>(32, 2));
  const std::string p = a.Pseudonym("RWD{hmac:10}", "id:12345");
  CHECK(p.size() == 13);
  CHECK(p.rfind("RWD", 0) == 0);
  CHECK(p == a.Pseudonym("RWD{hmac:10}", "id:12345"));
  CHECK(p != b.Pseudonym("RWD{hmac:10}", "id:12345"));
  CHECK(p != a.Pseudonym("RWD{hmac:10}", "id:12346"));
  CHECK(a.Pseudonym("S-{hmac:6}-X", "v").size() == 10);
}

TEST_CASE("date shifts are per patient, in range, and spread") {
  KeyedIds a(std::vector<uint8_t>(32, 3));
  std::set<int> shifts;
  for (int i = 0; i < 200; ++i) {
    const int d = a.DateShiftDays("id:P" + std::to_string(i), -365, -30);
    CHECK(d >= -365);
    CHECK(d <= -30);
    CHECK(d == a.DateShiftDays("id:P" + std::to_string(i), -365, -30));
    shifts.insert(d);
  }
  CHECK(shifts.size() > 150);  // different patients get different shifts
}
