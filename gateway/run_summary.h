#pragma once
// What a run did, for people (one screen) and for scripts (one JSON object).
#include <cstdint>
#include <map>
#include <string>

namespace rwd::gateway {

struct RunSummary {
  int64_t run_id = 0;
  int64_t released = 0, quarantined = 0, rejected = 0;
  uint64_t bytes_in = 0, bytes_out = 0;
  int64_t pixel_images_redacted = 0, pixel_regions_redacted = 0;  // released images only
  int64_t series = 0, series_quarantined = 0;                      // decided by the series phase
  int64_t gate_quarantined = 0;                                    // held back by the residual-PHI gate
  int64_t recovered_series = 0, abandoned_staged = 0;             // finished / redone from an interrupted run
  int64_t release_pending = 0;    // objects decided 'released' that the remote target has not confirmed yet
  int64_t skipped_unchanged = 0;  // --incremental: inputs finished by an earlier run, not read again
  double seconds = 0;
  int workers = 0;
  std::string profile_name, output_dir, database, quarantine_dir, key_file, qc_report;
  std::string report, report_error, manifest, key_fingerprint, signing_public_key;
  bool signing_key_created = false;
  bool key_created = false;
  std::map<std::string, int64_t> reasons;  // "quarantined: <reason code>" -> count

  int64_t files() const { return released + quarantined + rejected; }
  std::string ToText() const;
  std::string ToJson() const;
};

}  // namespace rwd::gateway
