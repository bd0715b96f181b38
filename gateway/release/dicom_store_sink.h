#pragma once
// The DICOM node target (--release-to dicom://AE@host:port, or dicoms://
// over TLS): a C-STORE SCU (DCMTK DcmStorageSCU, PS3.4 Annex B). One
// association per series (more only when a series needs more than 128
// presentation contexts), proposing only the SOP class / transfer syntax
// pairs of that series' files, each file in its own transfer syntax (the
// uncompressed ones together: DCMTK converts between them).
// An object counts as delivered only when the peer answered Success or a
// Warning (0000, Bxxx: stored, PS3.4 B.2.3); failures and unsent objects
// stay staged. A failed attempt is retried with doubling waits.
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/release/release_sink.h"

class DcmTransportLayer;

namespace rwd::gateway {

struct DicomNode {
  std::string called_ae, host;
  uint16_t port = 104;
  std::string calling_ae = "RWDGATE";
  bool tls = false;  // dicoms://
};

class DicomStoreSink : public ReleaseSink {
 public:
  // `tls`: the client layer (tls/tls_layer.h) when node.tls, else null.
  DicomStoreSink(DicomNode node, RetryPolicy retry, std::shared_ptr<DcmTransportLayer> tls = nullptr);
  const std::string& target() const override { return target_; }
  bool records_deliveries() const override { return true; }
  Status Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) override;

 private:
  Status Attempt(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered);
  DicomNode node_;
  RetryPolicy retry_;
  std::shared_ptr<DcmTransportLayer> tls_;
  std::string target_;
};

}  // namespace rwd::gateway
