#pragma once
// Gathers the report of one run from what the database recorded and from
// the released files (thumbnails, acquisition facts): nothing is read from
// the input or the quarantine, so nothing but released, de-identified
// content reaches the report.
#include <string>

#include "core/status.h"
#include "db/run_records.h"
#include "gateway/report/report_model.h"
#include "rules/profile.h"

namespace rwd::gateway::report {

struct GatherOptions {
  bool internal = false;              // fill source paths and folders (PHI in many exports)
  const rules::Profile* profile = nullptr;  // the run's profile, for its options; nullptr: not shown
  std::string key_fingerprint;        // shown in the header; never the key
  int thumbnail_side = 0;             // 0: 160 px up to 500 series, else 96 px (size budget)
  std::string work_dir;               // resolves relative deface render paths
};

ReportModel GatherReport(const db::RunRecords& records, const GatherOptions& options);

}  // namespace rwd::gateway::report
