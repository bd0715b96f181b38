#pragma once
// What the workers of one run share: counters for the progress line and the
// summary. Thread-safe.
#include <mutex>
#include <string>

#include "core/status.h"
#include "db/provenance_store.h"
#include "gateway/progress.h"
#include "gateway/run_summary.h"

namespace rwd::gateway {

class RunTally {
 public:
  ProgressCounters& counters() { return counters_; }
  // One object reached a final state.
  void Count(db::ObjectState state, ErrorCode code, uint64_t bytes_in, uint64_t bytes_out, int regions_redacted) {
    switch (state) {
      case db::ObjectState::kReleased: ++counters_.released; break;
      case db::ObjectState::kQuarantined: ++counters_.quarantined; break;
      case db::ObjectState::kRejected: ++counters_.rejected; break;
      case db::ObjectState::kStaged: break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    summary_.bytes_in += bytes_in;
    summary_.bytes_out += bytes_out;
    if (state == db::ObjectState::kReleased && regions_redacted > 0) {
      ++summary_.pixel_images_redacted;
      summary_.pixel_regions_redacted += regions_redacted;
    }
    if (state != db::ObjectState::kReleased && state != db::ObjectState::kStaged)
      ++summary_.reasons[std::string(db::ObjectStateName(state)) + ": " + ErrorCodeText(code)];
  }
  void CountGate() {
    std::lock_guard<std::mutex> lock(mu_);
    ++summary_.gate_quarantined;
  }
  void CountSeries(bool quarantined) {
    std::lock_guard<std::mutex> lock(mu_);
    ++summary_.series;
    if (quarantined) ++summary_.series_quarantined;
  }
  // Objects decided 'released' that the remote target has not confirmed.
  void AddPending(int64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    summary_.release_pending += n;
  }
  RunSummary Take() {
    std::lock_guard<std::mutex> lock(mu_);
    RunSummary s = summary_;
    s.released = counters_.released;
    s.quarantined = counters_.quarantined;
    s.rejected = counters_.rejected;
    return s;
  }

 private:
  ProgressCounters counters_;
  std::mutex mu_;
  RunSummary summary_;
};

}  // namespace rwd::gateway
