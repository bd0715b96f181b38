#pragma once
// Gathers the report of one run from what the database recorded and from
// the released files (thumbnails, acquisition facts): nothing is read from
// the input or the quarantine, so nothing but released, de-identified
// content reaches the report.
//
// What is read (stages that land later produce these to appear):
//   series            state, objects, released, reason, geometry JSON
//   series_checks     by series_id (or new_series_uid when series_id is NULL):
//                     check_name, value, threshold, verdict (pass|warn|fail|na);
//                     the series' QC verdict is the worst of fail > warn > pass
//   objects           released rows: output_path (the thumbnail and the
//                     acquisition facts come from the released middle slice,
//                     by the position in objects.facts), new UIDs, patient
//   findings          only of released objects:
//     stage 'pixels', kind 'text_region' | 'known_region', detail
//       {"box": [x, y, w, h], "action": "redacted" | "kept"}: outlined boxes;
//     stage 'pixels', kind 'pixels_cleaned': manifest pixels_cleaned = yes;
//     stage 'deface', kind 'defaced': the series counts as defaced (manifest);
//     stage 'deface', any kind with detail {"render": "<PNG path, absolute or
//       relative to the work dir, <= 512 KB>", <number or bool figures>...}:
//       the after-render and the gate's figures;
//     kind 'header_actions': integer fields summed (de-identification summary);
//     every finding is counted by (stage, kind).
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
