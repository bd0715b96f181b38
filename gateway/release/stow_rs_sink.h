#pragma once
// The DICOMweb target (--release-to http(s)://host/.../dicom-web): STOW-RS
// (PS3.18 10.5) with libcurl, one POST {base}/studies per series, body
// multipart/related; type="application/dicom", one part per file. An object
// counts as delivered only when the response lists it in the Referenced SOP
// Sequence (0008,1199); those in the Failed SOP Sequence (0008,1198), or
// missing, stay staged. A failed request is retried with doubling waits.
// Credentials (HTTP basic "user:password" or "Bearer TOKEN", one line) come
// from a file readable by its owner only, never from the command line.
#include <string>

#include "gateway/release/release_sink.h"

namespace rwd::gateway {

class StowRsSink : public ReleaseSink {
 public:
  // `credentials`: the file's first line, or "" for none.
  StowRsSink(std::string base_url, std::string credentials, RetryPolicy retry);
  const std::string& target() const override { return base_url_; }
  bool records_deliveries() const override { return true; }
  Status Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) override;

 private:
  Status Attempt(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered);
  std::string base_url_, credentials_;
  RetryPolicy retry_;
};

}  // namespace rwd::gateway
