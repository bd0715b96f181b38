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
    " stage) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
    " ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

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
    " count(*) FILTER (WHERE state = 'rejected')"
    " FROM objects WHERE run_id = ?1";

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
    s = st->Run();
    if (!s.ok()) return s;  // the caller's transaction rolls back
  }
  const int64_t object_id = db_->LastInsertRowId();
  for (const Finding& f : o.findings) {
    Result<Statement> st = db_->Prepare(kInsertFinding);
    if (!st.ok()) return st.status();
    st->BindInt64(1, object_id).BindText(2, f.stage).BindText(3, f.kind);
    BindOptional(*st, 4, f.detail_json);
    s = st->Run();
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

}  // namespace rwd::db
