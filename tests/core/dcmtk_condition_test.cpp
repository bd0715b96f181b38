// Issue 15, defect 3: a planted value in SpecificCharacterSet ended up in
// objects.reason through DCMTK's condition text, and not as valid UTF-8.
#include <doctest/doctest.h>

#include "core/text_codec.h"
#include "core/utf8.h"

namespace rwd {
namespace {

TEST_CASE("an unsupported Specific Character Set is reported by tag, without its value") {
  for (const std::string planted : {std::string("SANCHOPANZAFAKE"), std::string("ISO_IR \xC0\xFF\xFE PANZA")}) {
    auto codec = TextCodec::Create(planted);
    REQUIRE_FALSE(codec.ok());
    const std::string& m = codec.status().message();
    CHECK(IsValidUtf8(m));
    CHECK(m.find("PANZA") == std::string::npos);
    CHECK(m.find("(0008,0005)") != std::string::npos);
    CHECK(m.find("DCMTK") != std::string::npos);  // the condition's module and code stay
  }
}

TEST_CASE("UTF-8 validity and repair") {
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("M\xC3\xBCller \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"));
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x97", "\xFF", "a\x80"})
    CHECK_FALSE(IsValidUtf8(bad));
  CHECK(ToValidUtf8("a\xFF" "b\xC3\xBC") == "a?b\xC3\xBC");
  CHECK(IsValidUtf8(ToValidUtf8("\xE6\x97 \xF0\x9F")));
}

}  // namespace
}  // namespace rwd
