#include "db/run_records.h"

#include <filesystem>

#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

std::optional<double> OptionalDouble(const Statement& st, int column) {
  if (st.ColumnIsNull(column)) return std::nullopt;
  return st.ColumnDouble(column);
}

// Runs `sql` bound to the run id and calls `row` for every result row.
template <typename F>
Status ForEachRow(SqliteDb& db, std::string_view sql, int64_t run_id, F row, std::optional<int64_t> second = {}) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->BindInt64(1, run_id);
  if (second) st->BindInt64(2, *second);
  while (true) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    row(*st);
  }
}

}  // namespace

Result<RunRecords> ReadRunRecords(const std::string& db_path, std::optional<int64_t> run_id, bool source_paths) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec))
    return Status::Error(ErrorCode::kIoError, "no database at " + db_path);
  auto db = SqliteDb::Open(db_path);
  if (!db.ok()) return db.status();
  SqliteDb& d = **db;
  if (!run_id) {
    auto newest = d.QueryInt64("SELECT coalesce(max(id), 0) FROM runs");
    if (!newest.ok()) return newest.status();
    run_id = *newest;
  }
  RunRecords r;
  bool found = false;
  Status s = ForEachRow(d,
                        "SELECT id, started_at, coalesce(ended_at, ''), status, profile_name, profile_sha256, "
                        "tool_version, arguments, coalesce(input_dir, ''), coalesce(output_dir, ''), "
                        "coalesce(summary, '') FROM runs WHERE id = ?",
                        *run_id, [&](const Statement& st) {
                          found = true;
                          r.run = {st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                                   st.ColumnText(4),  st.ColumnText(5), st.ColumnText(6), st.ColumnText(7),
                                   st.ColumnText(8),  st.ColumnText(9), st.ColumnText(10)};
                        });
  if (!s.ok()) return s;
  if (!found) return Status::Error(ErrorCode::kInvalidArgument, "no run " + std::to_string(*run_id) + " in the database");

  s = ForEachRow(d,
                 "SELECT id, coalesce(size_out, 0), coalesce(series_id, 0), CASE WHEN ?2 THEN source_path ELSE '' END, state, "
                 "coalesce(reason_code, ''), coalesce(reason, ''), stage, coalesce(modality, ''), "
                 "coalesce(sop_class_uid, ''), coalesce(patient, ''), coalesce(new_study_uid, ''), "
                 "coalesce(new_series_uid, ''), coalesce(new_sop_uid, ''), coalesce(output_path, ''), "
                 "coalesce(sha256_out, ''), coalesce(facts, '') FROM objects WHERE run_id = ?1 ORDER BY id",
                 *run_id, [&](const Statement& st) {
                   ObjectRow o;
                   o.id = st.ColumnInt64(0);
                   o.size_out = st.ColumnInt64(1);
                   o.series_id = st.ColumnInt64(2);
                   o.source_path = st.ColumnText(3);
                   o.state = st.ColumnText(4);
                   o.reason_code = st.ColumnText(5);
                   o.reason = st.ColumnText(6);
                   o.stage = st.ColumnText(7);
                   o.modality = st.ColumnText(8);
                   o.sop_class_uid = st.ColumnText(9);
                   o.patient = st.ColumnText(10);
                   o.new_study_uid = st.ColumnText(11);
                   o.new_series_uid = st.ColumnText(12);
                   o.new_sop_uid = st.ColumnText(13);
                   o.output_path = st.ColumnText(14);
                   o.sha256_out = st.ColumnText(15);
                   o.facts_json = st.ColumnText(16);
                   r.objects.push_back(std::move(o));
                 },
                 source_paths ? 1 : 0);
  if (!s.ok()) return s;

  s = ForEachRow(d,
                 "SELECT id, objects, released, new_study_uid, new_series_uid, coalesce(patient, ''), "
                 "coalesce(modality, ''), state, coalesce(reason_code, ''), coalesce(reason, ''), "
                 "coalesce(geometry, '') FROM series WHERE run_id = ? ORDER BY id",
                 *run_id, [&](const Statement& st) {
                   r.series.push_back({st.ColumnInt64(0), st.ColumnInt64(1), st.ColumnInt64(2), st.ColumnText(3),
                                       st.ColumnText(4), st.ColumnText(5), st.ColumnText(6), st.ColumnText(7),
                                       st.ColumnText(8), st.ColumnText(9), st.ColumnText(10)});
                 });
  if (!s.ok()) return s;

  s = ForEachRow(d,
                 "SELECT coalesce(series_id, 0), coalesce(new_series_uid, ''), check_name, verdict, value, threshold "
                 "FROM series_checks WHERE run_id = ? ORDER BY id",
                 *run_id, [&](const Statement& st) {
                   r.checks.push_back({st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                                       OptionalDouble(st, 4), OptionalDouble(st, 5)});
                 });
  if (!s.ok()) return s;

  s = ForEachRow(d,
                 "SELECT f.object_id, f.stage, f.kind, coalesce(f.detail, '') FROM findings f "
                 "JOIN objects o ON o.id = f.object_id WHERE o.run_id = ? ORDER BY f.id",
                 *run_id, [&](const Statement& st) {
                   r.findings.push_back({st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3)});
                 });
  if (!s.ok()) return s;
  return r;
}

}  // namespace rwd::db
