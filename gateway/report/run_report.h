#pragma once
// Writing a run's report and manifest, and `rwdgate report`.
//
//   WORKDIR/reports/run-<id>/report.html    the cohort report (html_report.h)
//   WORKDIR/reports/run-<id>/manifest.csv   one row per released instance (manifest_writer.h)
//   WORKDIR/reports/run-<id>/manifest.json
//
// The folder is owner-only (0700) like the rest of the work dir.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/status.h"
#include "rules/profile.h"

namespace rwd::gateway::report {

struct RunReportOptions {
  std::string work_dir;                 // holds rwdgate.db
  std::optional<int64_t> run_id;        // nullopt: the newest run
  std::string output;                   // report.html path; "" = WORKDIR/reports/run-<id>/report.html
  bool internal = false;                // source paths and folders, with a warning banner
  const rules::Profile* profile = nullptr;  // the run's profile (options); nullptr: loaded from the run's arguments
};

struct RunReportPaths {
  int64_t run_id = 0;
  std::string report, manifest_csv, manifest_json;
};

// Reads the run from the database and the released files, writes the
// report and the manifest. Errors: kIoError, kDatabaseError,
// kInvalidArgument (no such run).
Result<RunReportPaths> WriteRunReport(const RunReportOptions& options);

// The key's fingerprint (the run summary's `key_fingerprint`, shown in the
// report): the first 16 hex digits of SHA-256 of the key bytes. Identifies
// which key was used; reveals nothing of it.
std::string KeyFingerprint(std::span<const uint8_t> key);

// Where WriteRunReport puts the report of run `run_id` by default.
std::string DefaultReportPath(const std::string& work_dir, int64_t run_id);

// `rwdgate report [--run ID] [--workdir DIR] [--output FILE] [--internal]`:
// prints the paths written; returns the exit code (0, 1 error, 2 usage).
struct ReportArgs {
  std::string workdir = "rwdgate-work", output;
  int64_t run = 0;  // 0: the newest
  bool internal = false;
};
int ReportCommand(const ReportArgs& args);

}  // namespace rwd::gateway::report
