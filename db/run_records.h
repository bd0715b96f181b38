#pragma once
// Everything one run recorded, read back for the cohort report and the
// manifest (gateway/report/). Read-only: nothing is written.
//
// The rows carry what the database holds: new UIDs, pseudonyms, codes,
// reasons and findings (never attribute values), and source paths, which
// are PHI in many exports: the caller decides whether to show them.
//
// Two ways to read a run, behind one interface (RunSource):
//   OpenRunReader   streams rows from the database, one at a time, so the
//                   report's memory does not grow with the number of objects;
//   RunRecords      every row in memory (tests build them by hand; small runs).
#include <cstdint>
#include <functional>
#include <memory>
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
  bool pixels_cleaned = false;  // a pixels/pixels_cleaned finding exists (filled by the readers)
};

struct SeriesRow {
  int64_t id = 0, objects = 0, released = 0;
  std::string new_study_uid, new_series_uid, patient, modality, state, reason_code, reason, geometry_json;
};

// (Not db::SeriesCheckRow of provenance_store.h, which the writer uses: two
// types of one name would break the one-definition rule.)
struct CheckRecord {
  int64_t series_id = 0;  // 0 when the check names its series by UID only
  std::string new_series_uid, check_name, verdict;
  std::optional<double> value, threshold;
};

struct FindingRow {
  int64_t object_id = 0;
  std::string stage, kind, detail_json;
};

// The object a finding belongs to, as far as the report needs it.
struct FindingObject {
  std::string state, new_series_uid, new_sop_uid, output_path;
};

class RunSource {
 public:
  template <typename T>
  using Visit = std::function<void(const T&)>;
  virtual ~RunSource() = default;
  virtual const RunRow& Run() const = 0;
  virtual Status ForEachObject(const Visit<ObjectRow>& visit) const = 0;  // by id
  virtual Status ForEachSeries(const Visit<SeriesRow>& visit) const = 0;  // by id
  virtual Status ForEachCheck(const Visit<CheckRecord>& visit) const = 0;  // by id
  // Findings of this run's objects, by id, with their object.
  virtual Status ForEachFinding(const std::function<void(const FindingRow&, const FindingObject&)>& visit) const = 0;
  // The released objects of series `series_id`, by id.
  virtual Status ForEachReleasedMember(int64_t series_id, const Visit<ObjectRow>& visit) const = 0;
};

struct RunRecords : RunSource {
  RunRow run;
  std::vector<ObjectRow> objects;        // by id
  std::vector<SeriesRow> series;         // by id
  std::vector<CheckRecord> checks;    // by id
  std::vector<FindingRow> findings;      // by id, of this run's objects

  const RunRow& Run() const override { return run; }
  Status ForEachObject(const Visit<ObjectRow>& visit) const override;
  Status ForEachSeries(const Visit<SeriesRow>& visit) const override;
  Status ForEachCheck(const Visit<CheckRecord>& visit) const override;
  Status ForEachFinding(const std::function<void(const FindingRow&, const FindingObject&)>& visit) const override;
  Status ForEachReleasedMember(int64_t series_id, const Visit<ObjectRow>& visit) const override;
};

// Opens run `run_id` (nullopt: the newest run) of the database at `db_path`
// for streaming. Errors: kIoError (no database file), kInvalidArgument (no
// such run), kDatabaseError.
// `source_paths` false leaves ObjectRow::source_path empty: a report that
// must not show them never holds them.
Result<std::unique_ptr<RunSource>> OpenRunReader(const std::string& db_path, std::optional<int64_t> run_id,
                                                 bool source_paths = false);

// The same run with every row read into memory.
Result<RunRecords> ReadRunRecords(const std::string& db_path, std::optional<int64_t> run_id, bool source_paths = false);

}  // namespace rwd::db
