#pragma once
// The DICOM node target (--release-to dicom://AE@host:port): a C-STORE SCU
// (DCMTK DcmStorageSCU, PS3.4 Annex B). One association per series (more
// only when a series needs more than 128 presentation contexts); each file
// proposed in its own transfer syntax and, as a fallback, uncompressed.
// An object counts as delivered only when the peer answered Success or a
// Warning (0000, Bxxx: stored, PS3.4 B.2.3); failures and unsent objects
// stay staged. A failed attempt is retried with doubling waits.
#include <cstdint>
#include <string>

#include "gateway/release/release_sink.h"

namespace rwd::gateway {

struct DicomNode {
  std::string called_ae, host;
  uint16_t port = 104;
  std::string calling_ae = "RWDGATE";
};

class DicomStoreSink : public ReleaseSink {
 public:
  DicomStoreSink(DicomNode node, RetryPolicy retry);
  const std::string& target() const override { return target_; }
  bool records_deliveries() const override { return true; }
  Status Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) override;

 private:
  Status Attempt(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered);
  DicomNode node_;
  RetryPolicy retry_;
  std::string target_;
};

}  // namespace rwd::gateway
