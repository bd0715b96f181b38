#pragma once
// The manifest of a run for machines: one row per released instance, in
// manifest.csv (RFC 4180, header line) and manifest.json (an array of
// objects with the same fields):
//   path (relative to the output folder), sha256, size, study_uid,
//   series_uid, instance_uid, patient (pseudonym), modality,
//   qc_verdict (pass | warn | fail | "" when no check), defaced (yes | no),
//   pixels_cleaned (yes | no).
#include <string>

#include "core/status.h"
#include "db/run_records.h"
#include "gateway/report/report_model.h"

namespace rwd::gateway::report {

// Writes `dir`/manifest.csv and `dir`/manifest.json (each through a
// temporary file and a rename), a row at a time as the objects are read.
// Errors: kIoError, kDatabaseError.
Status WriteManifest(const db::RunSource& records, const ReportModel& model, const std::string& dir);

}  // namespace rwd::gateway::report
