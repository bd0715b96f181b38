#pragma once
// The cohort history QC grades against (qc/cohort_stats.h): per QC group
// (gateway/qc_group.h, an HMAC of site + scanner model + protocol), the
// check values of the series earlier runs of this work dir decided.
//
// Loaded once, when a run's series phase starts, and read-only after: every
// series of a run is graded against the same history, whatever order the
// workers take them in (results do not depend on scheduling), and a series
// is never part of its own cohort (a rerun of the same input is not counted
// against itself). Thread-safe once loaded.
#include <map>
#include <set>
#include <string>

#include "db/provenance_store.h"
#include "qc/cohort_stats.h"

namespace rwd::gateway {

class QcHistory {
 public:
  // The history before run `run_id`.
  static Result<QcHistory> Load(db::ProvenanceStore& store, int64_t run_id);

  // The cohort of `group` without the series `series_uid`; nullptr when the
  // group is "" or has no history. `scratch` holds the copy when the series
  // itself has to be left out; the result lives as long as this and it.
  const qc::CohortStats* For(const std::string& group, const std::string& series_uid, qc::CohortStats& scratch) const;
  // Series with values in `group` (for tests and notes).
  size_t SeriesIn(const std::string& group) const;

 private:
  struct Group {
    qc::CohortStats all;
    // Per series: check -> value, to leave one series out.
    std::map<std::string, std::map<std::string, double>> by_series;
  };
  std::map<std::string, Group, std::less<>> groups_;
};

}  // namespace rwd::gateway
