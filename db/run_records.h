#pragma once
// Everything one run recorded, read back for the cohort report and the
// manifest (gateway/report/). Read-only: nothing is written.
//
// The rows carry what the database holds: new UIDs, pseudonyms, codes,
// reasons and findings (never attribute values), and source paths, which
// are PHI in many exports: the caller decides whether to show them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::db {

struct RunRow {
  int64_t id = 0;
  std::string started_at, ended_at, status, profile_name, profile_sha256, tool_version;
  std::string arguments_json, input_dir, output_dir, summary_json;
};

struct ObjectRow {
  int64_t id = 0, size_out = 0, series_id = 0;  // series_id 0: decided outside the series phase
  std::string source_path, state, reason_code, reason, stage, modality, sop_class_uid, patient;
  std::string new_study_uid, new_series_uid, new_sop_uid, output_path, sha256_out, facts_json;
};

struct SeriesRow {
  int64_t id = 0, objects = 0, released = 0;
  std::string new_study_uid, new_series_uid, patient, modality, state, reason_code, reason, geometry_json;
};

struct SeriesCheckRow {
  int64_t series_id = 0;  // 0 when the check names its series by UID only
  std::string new_series_uid, check_name, verdict;
  std::optional<double> value, threshold;
};

struct FindingRow {
  int64_t object_id = 0;
  std::string stage, kind, detail_json;
};

struct RunRecords {
  RunRow run;
  std::vector<ObjectRow> objects;        // by id
  std::vector<SeriesRow> series;         // by id
  std::vector<SeriesCheckRow> checks;    // by id
  std::vector<FindingRow> findings;      // by id, of this run's objects
};

// Reads run `run_id` (nullopt: the newest run) of the database at
// `db_path`. Errors: kIoError (no database file), kInvalidArgument (no such
// run),
// kDatabaseError.
// `source_paths` false leaves ObjectRow::source_path empty: a report that
// must not show them never holds them.
Result<RunRecords> ReadRunRecords(const std::string& db_path, std::optional<int64_t> run_id, bool source_paths = false);

}  // namespace rwd::db
