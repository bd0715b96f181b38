// ProvenanceStore: the release manifest's line of each released object
// (schema 004), so that `rwdgate verify --workdir` can tell an edited row.
#include <string_view>

#include "db/provenance_store.h"
#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

// ?1 = the output root + '/': rows whose file is under it.
constexpr std::string_view kRowColumns =
    "SELECT o.id, o.run_id, coalesce(o.size_out, 0), coalesce(o.manifest_seq, 0), o.output_path, o.sha256_out,"
    " o.new_study_uid, o.new_series_uid, o.new_sop_uid, r.profile_sha256, o.manifest_chain, o.manifest_time"
    " FROM objects o JOIN runs r ON r.id = o.run_id";

constexpr std::string_view kUnmanifestedWhere =
    " JOIN series s ON s.id = o.series_id"
    " WHERE o.state = 'released' AND o.manifest_chain IS NULL AND s.state = 'released'"
    " AND o.sha256_out IS NOT NULL AND substr(o.output_path, 1, length(?1)) = ?1 ORDER BY o.id";

constexpr std::string_view kManifestedWhere =
    " WHERE o.state = 'released' AND o.manifest_chain IS NOT NULL"
    " AND substr(o.output_path, 1, length(?1)) = ?1 ORDER BY o.manifest_seq, o.id";

constexpr std::string_view kRecordLine =
    "UPDATE objects SET manifest_seq = ?2, manifest_chain = ?3, manifest_time = ?4"
    " WHERE id = ?1 AND state = 'released' AND manifest_chain IS NULL";

Status ForEachRow(SqliteDb& db, std::string_view where, const std::string& output_root,
                  const std::function<void(ProvenanceStore::ManifestedRow&&)>& fn) {
  Result<Statement> st = db.Prepare(std::string(kRowColumns) + std::string(where));
  if (!st.ok()) return st.status();
  st->BindText(1, output_root + "/");
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
    ProvenanceStore::ManifestedRow r;
    r.object_id = st->ColumnInt64(0);
    r.run_id = st->ColumnInt64(1);
    r.size_out = st->ColumnInt64(2);
    r.seq = st->ColumnInt64(3);
    r.output_path = st->ColumnText(4);
    r.sha256_out = st->ColumnText(5);
    r.study_uid = st->ColumnText(6);
    r.series_uid = st->ColumnText(7);
    r.sop_uid = st->ColumnText(8);
    r.profile_sha256 = st->ColumnText(9);
    r.chain = st->ColumnText(10);
    r.time = st->ColumnText(11);
    fn(std::move(r));
  }
}

}  // namespace

Status ProvenanceStore::ForEachUnmanifested(const std::string& output_root,
                                            const std::function<void(ManifestedRow&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  return ForEachRow(*db_, kUnmanifestedWhere, output_root, fn);
}

Status ProvenanceStore::ForEachManifested(const std::string& output_root,
                                          const std::function<void(ManifestedRow&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  return ForEachRow(*db_, kManifestedWhere, output_root, fn);
}

Status ProvenanceStore::RecordManifestLines(std::span<const ManifestLineRecord> lines) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(*db_);
  Status s = txn.Begin();
  if (!s.ok()) return s;
  for (const ManifestLineRecord& l : lines) {
    Result<Statement> st = db_->Prepare(kRecordLine);
    if (!st.ok()) return st.status();
    st->BindInt64(1, l.object_id).BindInt64(2, l.seq).BindText(3, l.chain).BindText(4, l.time);
    s = st->Run();
    if (!s.ok()) return s;
  }
  return txn.Commit();
}

}  // namespace rwd::db
