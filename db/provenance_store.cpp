#include "db/provenance_store.h"

#include <string_view>
#include <utility>

#include "core/log.h"
#include "db/migrations.h"
#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

constexpr std::string_view kInsertRun =
    "INSERT INTO runs (profile_name, profile_sha256, tool_version, arguments,"
    " input_dir, output_dir) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr std::string_view kInsertObject =
    "INSERT INTO objects (run_id, source_path, size_in, sha256_in,"
    " sha256_out, size_out, sop_class_uid, modality, hmac_patient_id,"
    " hmac_study_uid, hmac_series_uid, hmac_sop_uid, new_study_uid,"
    " new_series_uid, new_sop_uid, state, reason_code, reason, output_path,"
    " stage, staging_path, facts, patient, source_sealed, mtime_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

constexpr std::string_view kInsertFinding =
    "INSERT INTO findings (object_id, stage, kind, detail)"
    " VALUES (?1, ?2, ?3, ?4)";

constexpr std::string_view kEndRun =
    "UPDATE runs SET status = ?2, summary = ?3,"
    " ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    " WHERE id = ?1 AND status = 'running'";

constexpr std::string_view kRunStatus = "SELECT status FROM runs WHERE id = ?1";

// One statement, so the counts are one consistent snapshot; reads only the
// (run_id, state) index.
constexpr std::string_view kCountStates =
    "SELECT count(*) FILTER (WHERE state = 'released'),"
    " count(*) FILTER (WHERE state = 'quarantined'),"
    " count(*) FILTER (WHERE state = 'rejected'),"
    " count(*) FILTER (WHERE state = 'staged')"
    " FROM objects WHERE run_id = ?1";

constexpr std::string_view kStagedSeries =
    "SELECT DISTINCT new_study_uid, new_series_uid FROM objects"
    " WHERE run_id = ?1 AND state = 'staged' ORDER BY new_study_uid, new_series_uid";

constexpr std::string_view kStagedOfSeries =
    "SELECT id, source_path, sha256_in, staging_path, output_path, new_sop_uid, modality,"
    " sop_class_uid, facts, patient, size_out, hmac_series_uid, source_sealed, sha256_out FROM objects"
    " WHERE run_id = ?1 AND state = 'staged' AND new_study_uid = ?2 AND new_series_uid = ?3 ORDER BY id";

constexpr std::string_view kStagedById =
    "SELECT id, source_path, sha256_in, staging_path, output_path, new_sop_uid, modality,"
    " sop_class_uid, facts, patient, size_out, hmac_series_uid, source_sealed, sha256_out FROM objects WHERE id = ?1 AND state = 'staged'";

constexpr std::string_view kReleaseRest =
    "UPDATE objects SET state = ?5, reason_code = ?6, reason = ?7, stage = coalesce(?8, stage),"
    " output_path = CASE WHEN ?5 = 'released' THEN output_path ELSE NULL END, series_id = ?4,"
    " released_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    " WHERE run_id = ?1 AND state = 'staged' AND new_study_uid = ?2 AND new_series_uid = ?3";

constexpr std::string_view kSetSeriesCounts = "UPDATE series SET released = ?2, objects = ?3 WHERE id = ?1";

constexpr std::string_view kReleasedFiles =
    "SELECT staging_path, output_path, size_out, coalesce(json_extract(facts, '$.redacted'), 0), sha256_out,"
    " new_sop_uid, id FROM objects"
    " WHERE series_id = ?1 AND state = 'released' ORDER BY id";

constexpr std::string_view kInsertSeries =
    "INSERT INTO series (run_id, new_study_uid, new_series_uid, patient, modality, state, objects,"
    " released, reason_code, reason, geometry, qc, deface) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " ?12, ?13)";

constexpr std::string_view kRewrite =
    "UPDATE objects SET sha256_out = ?2, size_out = ?3 WHERE id = ?1 AND state = 'staged'";

constexpr std::string_view kSeriesQc =
    "SELECT id, new_series_uid, modality, state, qc FROM series WHERE run_id = ?1 ORDER BY id";
constexpr std::string_view kChecksOf =
    "SELECT check_name, value, threshold, verdict FROM series_checks WHERE series_id = ?1 ORDER BY id";

constexpr std::string_view kInsertCheck =
    "INSERT INTO series_checks (run_id, hmac_series_uid, check_name, value, threshold, verdict,"
    " new_series_uid, series_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

constexpr std::string_view kDecideObject =
    "UPDATE objects SET state = ?2, reason_code = ?3, reason = ?4, stage = coalesce(?5, stage),"
    " output_path = CASE WHEN ?2 = 'released' THEN output_path ELSE ?6 END, series_id = ?7,"
    " released_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND state = 'staged'";



constexpr std::string_view kMarkSeriesReleased =
    "UPDATE series SET state = 'released' WHERE id = ?1 AND state = 'releasing'";

// Released rows of a series still 'releasing'.
constexpr std::string_view kPendingRenames =
    "SELECT s.id, o.staging_path, o.output_path FROM series s JOIN objects o ON o.series_id = s.id"
    " WHERE s.state = 'releasing' AND o.state = 'released' ORDER BY s.id, o.id";

constexpr std::string_view kAbandonStaged =
    "UPDATE objects SET state = 'rejected', reason_code = 'Interrupted',"
    " reason = 'the run was interrupted before this object was released; run ' || ?1 || ' redid it',"
    " staging_path = NULL, released_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    " WHERE state = 'staged' AND run_id IN (SELECT id FROM runs WHERE status <> 'running')";

constexpr std::string_view kListObjects =
    "SELECT source_path, state, reason_code, reason, output_path, sha256_in,"
    " sha256_out FROM objects WHERE run_id = ?1 ORDER BY source_path, id";

constexpr std::string_view kMarkStale =
    "UPDATE runs SET status = 'interrupted',"
    " ended_at = coalesce((SELECT max(processed_at) FROM objects"
    "                      WHERE objects.run_id = runs.id), started_at),"
    " summary = json_object('marked_interrupted_at',"
    "                       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
    " WHERE status = 'running'";

// "" means unknown: stored as NULL.
void BindOptional(Statement& st, int index, const std::string& value) {
  if (value.empty()) {
    st.BindNull(index);
  } else {
    st.BindText(index, value);
  }
}

Status InvalidArgument(std::string message) {
  return Status::Error(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

const char* ObjectStateName(ObjectState state) {
  switch (state) {
    case ObjectState::kStaged: return "staged";
    case ObjectState::kReleased: return "released";
    case ObjectState::kQuarantined: return "quarantined";
    case ObjectState::kRejected: return "rejected";
  }
  return "invalid";  // refused by the CHECK on objects.state
}

ProvenanceStore::ProvenanceStore(std::unique_ptr<SqliteDb> db)
    : db_(std::move(db)) {}

ProvenanceStore::~ProvenanceStore() = default;

Result<std::unique_ptr<ProvenanceStore>> ProvenanceStore::Open(
    const std::string& path) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  Result<int> version = Migrate(*db.value());
  if (!version.ok()) return version.status();
  return std::unique_ptr<ProvenanceStore>(
      new ProvenanceStore(std::move(db).value()));
}

Result<int64_t> ProvenanceStore::BeginRun(const RunInfo& info) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kInsertRun);
  if (!st.ok()) return st.status();
  st->BindText(1, info.profile_name)
      .BindText(2, info.profile_sha256)
      .BindText(3, info.tool_version)
      .BindText(4, info.arguments_json.empty() ? "[]" : info.arguments_json);
  BindOptional(*st, 5, info.input_dir);
  BindOptional(*st, 6, info.output_dir);
  Status s = st->Run();
  if (!s.ok()) return s;
  return db_->LastInsertRowId();
}

Status ProvenanceStore::InsertObject(int64_t run_id, const ObjectRecord& o) {
  Status s;
  {
    Result<Statement> st = db_->Prepare(kInsertObject);
    if (!st.ok()) return st.status();
    st->BindInt64(1, run_id)
        .BindText(2, o.source_path)
        .BindInt64(3, o.size_in);
    BindOptional(*st, 4, o.sha256_in);
    BindOptional(*st, 5, o.sha256_out);
    if (o.size_out == 0) {
      st->BindNull(6);
    } else {
      st->BindInt64(6, o.size_out);
    }
    BindOptional(*st, 7, o.sop_class_uid);
    BindOptional(*st, 8, o.modality);
    BindOptional(*st, 9, o.hmac_patient_id);
    BindOptional(*st, 10, o.hmac_study_uid);
    BindOptional(*st, 11, o.hmac_series_uid);
    BindOptional(*st, 12, o.hmac_sop_uid);
    BindOptional(*st, 13, o.new_study_uid);
    BindOptional(*st, 14, o.new_series_uid);
    BindOptional(*st, 15, o.new_sop_uid);
    st->BindText(16, ObjectStateName(o.state));
    BindOptional(*st, 17, o.reason_code);
    BindOptional(*st, 18, o.reason);
    BindOptional(*st, 19, o.output_path);
    st->BindText(20, o.stage);
    BindOptional(*st, 21, o.staging_path);
    BindOptional(*st, 22, o.facts_json);
    BindOptional(*st, 23, o.patient);
    BindOptional(*st, 24, o.source_sealed);
    if (o.mtime_ns == 0) st->BindNull(25);
    else st->BindInt64(25, o.mtime_ns);
    s = st->Run();
    if (!s.ok()) return s;  // the caller's transaction rolls back
  }
  return InsertFindings(db_->LastInsertRowId(), o.findings);
}

Status ProvenanceStore::InsertFindings(int64_t object_id, std::span<const Finding> findings) {
  for (const Finding& f : findings) {
    Result<Statement> st = db_->Prepare(kInsertFinding);
    if (!st.ok()) return st.status();
    st->BindInt64(1, object_id).BindText(2, f.stage).BindText(3, f.kind);
    BindOptional(*st, 4, f.detail_json);
    Status s = st->Run();
    if (!s.ok()) return s;  // the caller's transaction rolls back, the object too
  }
  return Status::Ok();
}

Status ProvenanceStore::RecordObject(int64_t run_id, const ObjectRecord& o) {
  return RecordObjects(run_id, std::span<const ObjectRecord>(&o, 1));
}

Status ProvenanceStore::RecordObjects(int64_t run_id, std::span<const ObjectRecord> objects) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(*db_);
  Status s = txn.Begin();
  if (!s.ok()) return s;
  for (const ObjectRecord& o : objects) {
    s = InsertObject(run_id, o);
    if (!s.ok()) return s;  // txn rolls back: none of the batch is recorded
  }
  return txn.Commit();
}

Status ProvenanceStore::EndRun(int64_t run_id, const std::string& status,
                               const std::string& summary_json) {
  if (status != "completed" && status != "failed" && status != "interrupted") {
    return InvalidArgument("EndRun: status must be completed, failed or "
                           "interrupted, not '" + status + "'");
  }
  std::lock_guard<std::mutex> lock(mu_);
  {
    Result<Statement> st = db_->Prepare(kEndRun);
    if (!st.ok()) return st.status();
    st->BindInt64(1, run_id).BindText(2, status);
    BindOptional(*st, 3, summary_json);
    Status s = st->Run();
    if (!s.ok()) return s;
  }
  if (db_->Changes() == 1) return Status::Ok();
  Status s = CheckRunExists(run_id);
  if (!s.ok()) return s;
  return InvalidArgument("EndRun: run " + std::to_string(run_id) +
                         " has already ended");
}

Status ProvenanceStore::CheckRunExists(int64_t run_id) {
  Result<Statement> st = db_->Prepare(kRunStatus);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id);
  Result<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) {
    return InvalidArgument("no run with id " + std::to_string(run_id));
  }
  return Status::Ok();
}

Result<StateCounts> ProvenanceStore::CountStates(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = CheckRunExists(run_id);
  if (!s.ok()) return s;
  Result<Statement> st = db_->Prepare(kCountStates);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id);
  Result<bool> row = st->Step();
  if (!row.ok()) return row.status();
  StateCounts counts;
  if (row.value()) {
    counts.released = st->ColumnInt64(0);
    counts.quarantined = st->ColumnInt64(1);
    counts.rejected = st->ColumnInt64(2);
    counts.staged = st->ColumnInt64(3);
  }
  return counts;
}

Result<std::vector<ProvenanceStore::ObjectRow>> ProvenanceStore::ListObjects(
    int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = CheckRunExists(run_id);
  if (!s.ok()) return s;
  Result<Statement> st = db_->Prepare(kListObjects);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id);
  std::vector<ObjectRow> rows;
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    rows.push_back(ObjectRow{st->ColumnText(0), st->ColumnText(1),
                             st->ColumnText(2), st->ColumnText(3),
                             st->ColumnText(4), st->ColumnText(5),
                             st->ColumnText(6)});
  }
  return rows;
}

Status ProvenanceStore::MarkStaleRunsInterrupted() {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kMarkStale);
  if (!st.ok()) return st.status();
  Status s = st->Run();
  if (!s.ok()) return s;
  if (const int64_t n = db_->Changes(); n > 0) {
    LogWarn("provenance database: marked " + std::to_string(n) +
            " run(s) left running by an earlier process as interrupted");
  }
  return Status::Ok();
}

Result<std::vector<SeriesKey>> ProvenanceStore::ListStagedSeries(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kStagedSeries);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id);
  std::vector<SeriesKey> keys;
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    keys.push_back({st->ColumnText(0), st->ColumnText(1)});
  }
  return keys;
}

namespace {
StagedObject ReadStaged(Statement& st) {
  StagedObject o;
  o.id = st.ColumnInt64(0);
  o.source_path = st.ColumnText(1);
  o.sha256_in = st.ColumnText(2);
  o.staging_path = st.ColumnText(3);
  o.output_path = st.ColumnText(4);
  o.new_sop_uid = st.ColumnText(5);
  o.modality = st.ColumnText(6);
  o.sop_class_uid = st.ColumnText(7);
  o.facts_json = st.ColumnText(8);
  o.patient = st.ColumnText(9);
  o.size_out = st.ColumnInt64(10);
  o.hmac_series_uid = st.ColumnText(11);
  o.source_sealed = st.ColumnText(12);
  o.sha256_out = st.ColumnText(13);
  return o;
}
}  // namespace

Status ProvenanceStore::ForEachStaged(int64_t run_id, const SeriesKey& key,
                                      const std::function<void(StagedObject&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kStagedOfSeries);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id).BindText(2, key.study_uid).BindText(3, key.series_uid);
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
    fn(ReadStaged(*st));
  }
}

Result<std::vector<StagedObject>> ProvenanceStore::StagedObjectsOf(int64_t run_id, const SeriesKey& key) {
  std::vector<StagedObject> out;
  Status s = ForEachStaged(run_id, key, [&](StagedObject&& o) { out.push_back(std::move(o)); });
  if (!s.ok()) return s;
  return out;
}

Result<StagedObject> ProvenanceStore::StagedById(int64_t object_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kStagedById);
  if (!st.ok()) return st.status();
  st->BindInt64(1, object_id);
  Result<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return InvalidArgument("object " + std::to_string(object_id) + " is not staged");
  return ReadStaged(*st);
}

Status ProvenanceStore::ForEachReleasedFile(int64_t series_id, const std::function<void(ReleasedFile&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kReleasedFiles);
  if (!st.ok()) return st.status();
  st->BindInt64(1, series_id);
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
    fn({st->ColumnInt64(6), st->ColumnText(0), st->ColumnText(1), st->ColumnText(4), st->ColumnText(5),
        st->ColumnInt64(2), static_cast<int>(st->ColumnInt64(3))});
  }
}

Result<int64_t> ProvenanceStore::DecideSeries(int64_t run_id, const SeriesRecord& series,
                                              std::span<const ObjectDecision> objects,
                                              std::span<const std::pair<int64_t, std::vector<Finding>>> findings,
                                              std::span<const RewrittenObject> rewritten) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(*db_);
  Status s = txn.Begin();
  if (!s.ok()) return s;
  {
    Result<Statement> st = db_->Prepare(kInsertSeries);
    if (!st.ok()) return st.status();
    st->BindInt64(1, run_id).BindText(2, series.key.study_uid).BindText(3, series.key.series_uid);
    BindOptional(*st, 4, series.patient);
    BindOptional(*st, 5, series.modality);
    st->BindText(6, series.quarantined ? "quarantined" : "releasing")
        .BindInt64(7, 0)
        .BindInt64(8, 0);  // set below, once known
    BindOptional(*st, 9, series.reason_code);
    BindOptional(*st, 10, series.reason);
    BindOptional(*st, 11, series.geometry_json);
    BindOptional(*st, 12, series.qc_json);
    BindOptional(*st, 13, series.deface_json);
    s = st->Run();
    if (!s.ok()) return s;
  }
  const int64_t series_id = db_->LastInsertRowId();
  const std::string& hmac_series = series.hmac_series_uid;
  for (const SeriesCheckRow& c : series.checks) {
    if (hmac_series.empty()) break;  // the check rows are keyed by the series' HMAC as well
    Result<Statement> st = db_->Prepare(kInsertCheck);
    if (!st.ok()) return st.status();
    st->BindInt64(1, run_id).BindText(2, hmac_series).BindText(3, c.name);
    if (c.value) st->BindDouble(4, *c.value); else st->BindNull(4);
    if (c.threshold) st->BindDouble(5, *c.threshold); else st->BindNull(5);
    st->BindText(6, c.verdict).BindText(7, series.key.series_uid).BindInt64(8, series_id);
    s = st->Run();
    if (!s.ok()) return s;
  }
  for (const RewrittenObject& r : rewritten) {
    Result<Statement> st = db_->Prepare(kRewrite);
    if (!st.ok()) return st.status();
    st->BindInt64(1, r.object_id).BindText(2, r.sha256_out).BindInt64(3, r.size_out);
    s = st->Run();
    if (!s.ok()) return s;
  }
  for (const ObjectDecision& d : objects) {
    if (d.state == ObjectState::kStaged) return InvalidArgument("DecideSeries: an object must leave 'staged'");
    {
      Result<Statement> st = db_->Prepare(kDecideObject);
      if (!st.ok()) return st.status();
      st->BindInt64(1, d.object_id).BindText(2, ObjectStateName(d.state));
      BindOptional(*st, 3, d.reason_code);
      BindOptional(*st, 4, d.reason);
      BindOptional(*st, 5, d.stage);
      BindOptional(*st, 6, d.output_path);
      st->BindInt64(7, series_id);
      s = st->Run();
      if (!s.ok()) return s;
    }
    if (db_->Changes() != 1)
      return InvalidArgument("DecideSeries: object " + std::to_string(d.object_id) + " is not staged");
    s = InsertFindings(d.object_id, d.findings);
    if (!s.ok()) return s;
  }
  for (const auto& [object_id, fs] : findings) {
    s = InsertFindings(object_id, fs);
    if (!s.ok()) return s;
  }
  // Every other staged object of the series follows the series' fate.
  {
    Result<Statement> st = db_->Prepare(kReleaseRest);
    if (!st.ok()) return st.status();
    st->BindInt64(1, run_id).BindText(2, series.key.study_uid).BindText(3, series.key.series_uid).BindInt64(4, series_id);
    st->BindText(5, series.quarantined ? "quarantined" : "released");
    BindOptional(*st, 6, series.quarantined ? series.reason_code : "");
    BindOptional(*st, 7, series.quarantined ? series.reason : "");
    BindOptional(*st, 8, series.quarantined ? series.stage : "");
    s = st->Run();
    if (!s.ok()) return s;
  }
  const int64_t rest = db_->Changes();
  {
    Result<Statement> st = db_->Prepare(kSetSeriesCounts);
    if (!st.ok()) return st.status();
    st->BindInt64(1, series_id)
        .BindInt64(2, series.quarantined ? 0 : rest)
        .BindInt64(3, rest + static_cast<int64_t>(objects.size()));
    s = st->Run();
    if (!s.ok()) return s;
  }
  s = txn.Commit();
  if (!s.ok()) return s;
  return series_id;
}

Status ProvenanceStore::ForEachSeriesQc(int64_t run_id, const std::function<void(const SeriesQcRow&)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> series = db_->Prepare(kSeriesQc);
  if (!series.ok()) return series.status();
  series->BindInt64(1, run_id);
  while (true) {
    Result<bool> more = series->Step();
    if (!more.ok()) return more.status();
    if (!more.value()) return Status::Ok();
    SeriesQcRow r{series->ColumnInt64(0), series->ColumnText(1), series->ColumnText(2), series->ColumnText(3),
                  series->ColumnText(4), {}};
    Result<Statement> st = db_->Prepare(kChecksOf);
    if (!st.ok()) return st.status();
    st->BindInt64(1, r.id);
    while (true) {
      Result<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!row.value()) break;
      SeriesCheckRow c;
      c.name = st->ColumnText(0);
      if (!st->ColumnIsNull(1)) c.value = st->ColumnDouble(1);
      if (!st->ColumnIsNull(2)) c.threshold = st->ColumnDouble(2);
      c.verdict = st->ColumnText(3);
      r.checks.push_back(std::move(c));
    }
    visit(r);
  }
}

Status ProvenanceStore::MarkSeriesReleased(int64_t series_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kMarkSeriesReleased);
  if (!st.ok()) return st.status();
  st->BindInt64(1, series_id);
  return st->Run();
}

Result<std::vector<PendingRename>> ProvenanceStore::PendingRenames() {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kPendingRenames);
  if (!st.ok()) return st.status();
  std::vector<PendingRename> out;
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) break;
    out.push_back({st->ColumnInt64(0), st->ColumnText(1), st->ColumnText(2)});
  }
  return out;
}

Result<int64_t> ProvenanceStore::AbandonStaged(int64_t by_run) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kAbandonStaged);
  if (!st.ok()) return st.status();
  st->BindInt64(1, by_run);
  Status s = st->Run();
  if (!s.ok()) return s;
  return db_->Changes();
}

Result<int64_t> ProvenanceStore::CountStaged(int64_t run_id) {
  auto counts = CountStates(run_id);
  if (!counts.ok()) return counts.status();
  return counts->staged;
}

}  // namespace rwd::db
