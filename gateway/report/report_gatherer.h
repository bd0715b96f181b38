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
// Objects and findings are streamed; the model holds counts, the series and
// the not-released list; images are made by ReleasedImages while the page is
// written (html_report.h).
#include <string>

#include "core/status.h"
#include "db/run_records.h"
#include "gateway/report/html_report.h"
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

Result<ReportModel> GatherReport(const db::RunSource& records, const GatherOptions& options);

// Thumbnails of released files and the deface after-renders, read when the
// page asks for them.
class ReleasedImages : public ReportImages {
 public:
  ReleasedImages(const ReportModel& model, std::string work_dir)
      : side_(model.thumbnail_side), work_dir_(std::move(work_dir)) {}
  std::string SeriesThumbnail(const SeriesView& series, std::string* error) const override;
  std::string RedactedThumbnail(const RedactedImageView& image) const override;
  std::string DefaceRender(const DefaceView& deface) const override;

 private:
  int side_;
  std::string work_dir_;
};

}  // namespace rwd::gateway::report
