#include "core/iso2022_japanese.h"

#include <unicode/ucnv.h>

#include "core/strings.h"

namespace rwd {
namespace {

enum class G0 { kAscii, kJisX0208, kJisX0212 };

// Appends the code point as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A run of two-byte codes of JIS X 0208 or 0212, through ICU's ISO-2022-JP-2
// converter (which knows both) by re-wrapping the run in its escape sequence.
Status AppendTwoByteRun(std::string& out, std::string_view run, G0 set) {
  if (run.size() % 2 != 0) return Status::Error(ErrorCode::kInvalidArgument, "odd number of bytes in a JIS X 0208/0212 run");
  std::string wrapped = set == G0::kJisX0208 ? "\x1b$B" : "\x1b$(D";
  wrapped.append(run);
  wrapped.append("\x1b(B");
  std::string utf8(run.size() * 2 + 8, '\0');
  UErrorCode err = U_ZERO_ERROR;
  const int32_t n = ucnv_convert("UTF-8", "ISO-2022-JP-2", utf8.data(), static_cast<int32_t>(utf8.size()),
                                 wrapped.data(), static_cast<int32_t>(wrapped.size()), &err);
  if (U_FAILURE(err)) return Status::Error(ErrorCode::kInvalidArgument, std::string("ICU cannot convert JIS text: ") + u_errorName(err));
  // A code ICU cannot map comes out as U+FFFD or SUB: not text we can trust.
  utf8.resize(static_cast<size_t>(n));
  if (utf8.find("\xEF\xBF\xBD") != std::string::npos || utf8.find('\x1a') != std::string::npos)
    return Status::Error(ErrorCode::kInvalidArgument, "JIS text holds a code with no character");
  out += utf8;
  return Status::Ok();
}

}  // namespace

bool IsJapaneseIso2022(std::string_view cs) {
  return cs.find("ISO 2022 IR 87") != std::string_view::npos || cs.find("ISO 2022 IR 159") != std::string_view::npos;
}

Result<std::string> DecodeJapaneseIso2022(std::string_view raw, std::string_view cs, bool person_name) {
  // Value 1 decides the state after every delimiter (PS3.5 6.1.2.5.3): with
  // IR 13 first, bytes 0xA1..0xDF are half-width katakana from the start.
  const std::string first = std::string(TrimValue(cs.substr(0, cs.find('\\'))));
  const bool katakana_first = first == "ISO 2022 IR 13" || first == "ISO_IR 13";
  G0 g0 = G0::kAscii;
  bool g1_katakana = katakana_first;
  std::string out, run;
  auto flush = [&]() -> Status {
    if (run.empty()) return Status::Ok();
    Status s = AppendTwoByteRun(out, run, g0);
    run.clear();
    return s;
  };
  for (size_t i = 0; i < raw.size();) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1B) {
      Status s = flush();
      if (!s.ok()) return s;
      const std::string_view rest = raw.substr(i + 1);
      size_t len = 0;
      if (rest.rfind("(B", 0) == 0 || rest.rfind("(J", 0) == 0) g0 = G0::kAscii, len = 2;
      else if (rest.rfind("$B", 0) == 0 || rest.rfind("$@", 0) == 0) g0 = G0::kJisX0208, len = 2;
      else if (rest.rfind("$(D", 0) == 0) g0 = G0::kJisX0212, len = 3;
      else if (rest.rfind(")I", 0) == 0) g1_katakana = true, len = 2;
      else return Status::Error(ErrorCode::kInvalidArgument, "an escape sequence the Japanese character sets do not define");
      i += 1 + len;
      continue;
    }
    if (g0 != G0::kAscii && c >= 0x21 && c <= 0x7E) {
      if (i + 1 >= raw.size()) return Status::Error(ErrorCode::kInvalidArgument, "a two-byte code cut in half");
      run.push_back(static_cast<char>(c));
      run.push_back(raw[i + 1]);
      i += 2;
      continue;
    }
    Status s = flush();
    if (!s.ok()) return s;
    // Delimiters and control characters: back to value 1's state.
    const bool delimiter = c == '\\' || c == '\r' || c == '\n' || c == '\t' || c == '\f' ||
                           (person_name && (c == '^' || c == '='));
    if (delimiter) g0 = G0::kAscii, g1_katakana = katakana_first;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));  // ASCII; JIS X 0201 romaji differs only in 0x5C and 0x7E
    } else if (g1_katakana && c >= 0xA1 && c <= 0xDF) {
      AppendUtf8(out, 0xFF61 + (c - 0xA1));  // half-width katakana
    } else {
      return Status::Error(ErrorCode::kInvalidArgument, "a byte the Japanese character sets do not define");
    }
    ++i;
  }
  Status s = flush();
  if (!s.ok()) return s;
  return out;
}

}  // namespace rwd
