#pragma once
// Where released series go (issue 12): the seam between the series phase
// and the release target. The series phase commits its decision first
// ('releasing', series_phase.h); only then does a sink see the files, and
// the series becomes 'released' only once the sink has taken every file.
//
// Targets: a folder (FolderReleaseSink: the rename of today), a DICOM node
// (DicomStoreSink, C-STORE SCU) or a DICOMweb server (StowRsSink, STOW-RS).
// A remote target confirms objects one by one; what it did not confirm stays
// in staging, the series stays 'releasing', and the next start (or the next
// retry of `listen`) sends only the unconfirmed objects (table deliveries).
#include <algorithm>
#include <chrono>
#include <thread>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "db/provenance_store.h"

namespace rwd::gateway {

class ReleaseSink {
 public:
  virtual ~ReleaseSink() = default;
  // The target without credentials (stored as runs.release_target, logged).
  virtual const std::string& target() const = 0;
  // True when the target confirms objects that the database must remember
  // (remote targets); a folder's rename is its own record.
  virtual bool records_deliveries() const = 0;
  // Hands over the files of one series (one association / request per
  // call). Sets delivered[i] for every file the target confirmed; returns
  // an error describing the failure (no attribute values) when not all were.
  // REQUIRES: delivered.size() == files.size(), all false.
  virtual Status Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) = 0;
};

// How a remote target retries a failed series before giving up until the
// next start: attempts, and the first wait (doubled after each failure).
struct RetryPolicy {
  int attempts = 3;
  int first_wait_ms = 500;
};

// Runs `attempt` until it succeeds or the policy's attempts are spent,
// waiting first_wait_ms, then twice as long, between tries; returns the last
// status. Shared by the remote sinks.
template <typename Attempt>
Status WithRetries(const RetryPolicy& retry, Attempt&& attempt) {
  Status last = Status::Ok();
  int wait_ms = retry.first_wait_ms;
  for (int n = 0; n < std::max(1, retry.attempts); ++n) {
    if (n > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      wait_ms *= 2;
    }
    last = attempt();
    if (last.ok()) return last;
  }
  return last;
}

}  // namespace rwd::gateway
