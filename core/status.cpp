#include "core/status.h"

namespace rwd {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
#define X(name, text) \
  case ErrorCode::name: return &#name[1];
#include "core/error_codes.def"
#undef X
  }
  return "Unknown";
}

const char* ErrorCodeText(ErrorCode code) {
  switch (code) {
#define X(name, text) \
  case ErrorCode::name: return text;
#include "core/error_codes.def"
#undef X
  }
  return "unknown error";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = ErrorCodeText(code_);
  if (!message_.empty()) s += ": " + message_;
  return s;
}

}  // namespace rwd
