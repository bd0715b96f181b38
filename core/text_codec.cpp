#include "core/text_codec.h"

#include "core/iso2022_japanese.h"
#include "core/dcmtk_condition.h"
#include "core/strings.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcspchrs.h>

namespace rwd {
struct TextCodec::Impl {
  DcmSpecificCharacterSet to_utf8;
  DcmSpecificCharacterSet from_utf8;
  bool can_write_back = false;
  std::string japanese;  // non-empty: decoded by DecodeJapaneseIso2022 (ICU), not DCMTK
};

TextCodec::~TextCodec() = default;

bool TextCodec::HasCodeExtensions(std::string_view cs) {
  const std::string s = std::string(TrimValue(cs));
  return s.find('\\') != std::string::npos || s.rfind("ISO 2022", 0) == 0;
}

Result<std::unique_ptr<TextCodec>> TextCodec::Create(std::string_view cs) {
  std::unique_ptr<TextCodec> codec(new TextCodec());
  const std::string charset = std::string(TrimValue(cs));
  if (charset.empty() || charset == "ISO_IR 192" || charset == "ISO_IR 6") return codec;
  codec->identity_ = false;
  codec->impl_ = std::make_unique<Impl>();
  if (IsJapaneseIso2022(charset)) {
    // DCMTK's iconv has no JIS X 0208: our ICU decoder (decode only).
    codec->impl_->japanese = charset;
    return codec;
  }
  OFCondition c = codec->impl_->to_utf8.selectCharacterSet(charset.c_str(), "ISO_IR 192");
  if (c.bad())
    return Status::Error(ErrorCode::kInvalidArgument, "unsupported Specific Character Set: " + ConditionText(c));
  codec->impl_->can_write_back =
      !HasCodeExtensions(charset) && codec->impl_->from_utf8.selectCharacterSet("ISO_IR 192", charset.c_str()).good();
  return codec;
}

Result<std::string> TextCodec::ToUtf8(std::string_view raw, bool person_name) const {
  if (identity_) return std::string(raw);
  if (!impl_->japanese.empty()) return DecodeJapaneseIso2022(raw, impl_->japanese, person_name);
  OFString out;
  OFCondition c = impl_->to_utf8.convertString(OFString(raw.data(), raw.size()), out, person_name ? "\\^=" : "\\");
  if (c.bad()) return Status::Error(ErrorCode::kInvalidArgument, std::string("cannot decode text: ") + ConditionText(c));
  return std::string(out.c_str(), out.length());
}

Result<std::string> TextCodec::FromUtf8(std::string_view utf8) const {
  if (identity_) return std::string(utf8);
  if (!impl_->can_write_back)
    return Status::Error(ErrorCode::kInvalidArgument, "this character set cannot be written back");
  OFString out;
  OFCondition c = impl_->from_utf8.convertString(OFString(utf8.data(), utf8.size()), out);
  if (c.bad()) return Status::Error(ErrorCode::kInvalidArgument, std::string("cannot encode text: ") + ConditionText(c));
  return std::string(out.c_str(), out.length());
}

}  // namespace rwd
