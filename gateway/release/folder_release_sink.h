#pragma once
// The folder target (--output): each released file is renamed from the
// staging area into the output (StagingArea::Promote: atomic, no copy; an
// already moved file counts as done, so a retry after a crash is harmless).
#include "gateway/release/release_sink.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

class FolderReleaseSink : public ReleaseSink {
 public:
  explicit FolderReleaseSink(StagingArea& staging) : staging_(staging), target_(staging.output_root()) {}
  const std::string& target() const override { return target_; }
  bool records_deliveries() const override { return false; }
  Status Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) override;

 private:
  StagingArea& staging_;
  std::string target_;
};

}  // namespace rwd::gateway
