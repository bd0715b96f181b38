#pragma once
// Errors as cheap values with named constructors, passed across folder
// boundaries (exceptions stay inside a folder).
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace rwd {

enum class ErrorCode {
#define X(name, text) name,
#include "core/error_codes.def"
#undef X
};

// Stable name of a code ("kNotDicom" -> "not_dicom" style is not used: the
// enumerator name without the leading k), for the database and JSON.
const char* ErrorCodeName(ErrorCode code);
const char* ErrorCodeText(ErrorCode code);

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string message) {
    return Status(code, std::move(message));
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  // Never contains an attribute value: messages name tags, paths and codes.
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or an error. REQUIRES: ok() before value().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace rwd
