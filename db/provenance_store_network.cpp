// ProvenanceStore: remote release targets and incremental runs (schema 003).
#include <string_view>

#include "db/provenance_store.h"
#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

constexpr std::string_view kSetRunContext =
    "UPDATE runs SET key_fingerprint = ?2, release_target = ?3 WHERE id = ?1 AND status = 'running'";

constexpr std::string_view kUndelivered =
    "SELECT o.id, o.staging_path, o.output_path, o.sop_class_uid, o.new_sop_uid, coalesce(o.size_out, 0),"
    " coalesce(json_extract(o.facts, '$.redacted'), 0) FROM objects o"
    " WHERE o.series_id = ?1 AND o.state = 'released'"
    " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.object_id = o.id) ORDER BY o.id";

constexpr std::string_view kInsertDelivery =
    "INSERT OR IGNORE INTO deliveries (object_id, series_id, target) VALUES (?1, ?2, ?3)";

constexpr std::string_view kReleasingSeries = "SELECT id FROM series WHERE state = 'releasing' ORDER BY id";

// Oldest first, so the newest record of a path is the last one seen.
constexpr std::string_view kFinishedInputs =
    "SELECT o.source_path, o.size_in, o.mtime_ns, o.sha256_in FROM objects o JOIN runs r ON r.id = o.run_id"
    " WHERE r.input_dir = ?1 AND r.profile_sha256 = ?2 AND r.key_fingerprint = ?3"
    " AND o.mtime_ns IS NOT NULL AND o.sha256_in IS NOT NULL"
    " AND (o.state IN ('released', 'quarantined') OR (o.state = 'rejected' AND o.reason_code IS NOT 'Interrupted'))"
    " ORDER BY o.id";

}  // namespace

Status ProvenanceStore::SetRunContext(int64_t run_id, const std::string& key_fingerprint,
                                      const std::string& release_target) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kSetRunContext);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id).BindText(2, key_fingerprint).BindText(3, release_target);
  return st->Run();
}

Result<std::vector<ReleaseEntry>> ProvenanceStore::UndeliveredFiles(int64_t series_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kUndelivered);
  if (!st.ok()) return st.status();
  st->BindInt64(1, series_id);
  std::vector<ReleaseEntry> out;
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return out;
    out.push_back({st->ColumnInt64(0), st->ColumnText(1), st->ColumnText(2), st->ColumnText(3), st->ColumnText(4),
                   st->ColumnInt64(5), static_cast<int>(st->ColumnInt64(6))});
  }
}

Status ProvenanceStore::RecordDeliveries(int64_t series_id, std::span<const int64_t> object_ids,
                                         const std::string& target) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(*db_);
  Status s = txn.Begin();
  if (!s.ok()) return s;
  for (int64_t id : object_ids) {
    Result<Statement> st = db_->Prepare(kInsertDelivery);
    if (!st.ok()) return st.status();
    st->BindInt64(1, id).BindInt64(2, series_id).BindText(3, target);
    s = st->Run();
    if (!s.ok()) return s;
  }
  return txn.Commit();
}

Result<std::vector<int64_t>> ProvenanceStore::ReleasingSeries() {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kReleasingSeries);
  if (!st.ok()) return st.status();
  std::vector<int64_t> out;
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return out;
    out.push_back(st->ColumnInt64(0));
  }
}

Status ProvenanceStore::ForEachFinishedInput(const std::string& input_dir, const std::string& profile_sha256,
                                             const std::string& key_fingerprint,
                                             const std::function<void(std::string&&, FinishedInput&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kFinishedInputs);
  if (!st.ok()) return st.status();
  st->BindText(1, input_dir).BindText(2, profile_sha256).BindText(3, key_fingerprint);
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
    fn(st->ColumnText(0), {st->ColumnInt64(1), st->ColumnInt64(2), st->ColumnText(3)});
  }
}

}  // namespace rwd::db
