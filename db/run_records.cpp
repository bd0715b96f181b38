#include "db/run_records.h"

#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

std::optional<double> OptionalDouble(const Statement& st, int column) {
  if (st.ColumnIsNull(column)) return std::nullopt;
  return st.ColumnDouble(column);
}

// Binds `ints` to ?1, ?2, ... of `sql` and calls `row` for every result row.
template <typename F>
Status ForEachRow(SqliteDb& db, std::string_view sql, std::initializer_list<int64_t> ints, F row) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  int i = 1;
  for (int64_t v : ints) st->BindInt64(i++, v);
  while (true) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    row(*st);
  }
}

// ?2: whether to read source paths; the FROM clause's conditions follow.
constexpr const char* kObjects =
    "SELECT id, coalesce(size_out, 0), coalesce(series_id, 0), CASE WHEN ?2 THEN source_path ELSE '' END, state, "
    "coalesce(reason_code, ''), coalesce(reason, ''), stage, coalesce(modality, ''), "
    "coalesce(sop_class_uid, ''), coalesce(patient, ''), coalesce(new_study_uid, ''), "
    "coalesce(new_series_uid, ''), coalesce(new_sop_uid, ''), coalesce(output_path, ''), "
    "coalesce(sha256_out, ''), coalesce(facts, ''), "
    "EXISTS (SELECT 1 FROM findings f WHERE f.object_id = objects.id AND f.stage = 'pixels' AND f.kind = 'pixels_cleaned') "
    "FROM objects ";

ObjectRow ObjectOf(const Statement& st) {
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
  o.pixels_cleaned = st.ColumnInt64(17) != 0;
  return o;
}

class RunReader : public RunSource {
 public:
  RunReader(std::unique_ptr<SqliteDb> db, RunRow run, bool source_paths)
      : db_(std::move(db)), run_(std::move(run)), source_paths_(source_paths) {}

  const RunRow& Run() const override { return run_; }

  Status ForEachObject(const Visit<ObjectRow>& visit) const override {
    static const std::string sql = std::string(kObjects) + "WHERE run_id = ?1 ORDER BY id";
    return ForEachRow(*db_, sql, {run_.id, source_paths_}, [&](const Statement& st) { visit(ObjectOf(st)); });
  }

  Status ForEachReleasedMember(int64_t series_id, const Visit<ObjectRow>& visit) const override {
    // By the series index: the planner would otherwise pick (run_id, state)
    // and scan the run's released rows once per series.
    static const std::string sql = std::string(kObjects) +
                                   "INDEXED BY objects_series WHERE series_id = ?3 AND run_id = ?1 AND state = 'released' "
                                   "ORDER BY id";
    return ForEachRow(*db_, sql, {run_.id, source_paths_, series_id}, [&](const Statement& st) { visit(ObjectOf(st)); });
  }

  Status ForEachSeries(const Visit<SeriesRow>& visit) const override {
    return ForEachRow(*db_,
                      "SELECT id, objects, released, new_study_uid, new_series_uid, coalesce(patient, ''), "
                      "coalesce(modality, ''), state, coalesce(reason_code, ''), coalesce(reason, ''), "
                      "coalesce(geometry, '') FROM series WHERE run_id = ?1 ORDER BY id",
                      {run_.id}, [&](const Statement& st) {
                        visit({st.ColumnInt64(0), st.ColumnInt64(1), st.ColumnInt64(2), st.ColumnText(3),
                               st.ColumnText(4), st.ColumnText(5), st.ColumnText(6), st.ColumnText(7),
                               st.ColumnText(8), st.ColumnText(9), st.ColumnText(10)});
                      });
  }

  Status ForEachCheck(const Visit<CheckRecord>& visit) const override {
    return ForEachRow(*db_,
                      "SELECT coalesce(series_id, 0), coalesce(new_series_uid, ''), check_name, verdict, value, threshold "
                      "FROM series_checks WHERE run_id = ?1 ORDER BY id",
                      {run_.id}, [&](const Statement& st) {
                        visit({st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                               OptionalDouble(st, 4), OptionalDouble(st, 5)});
                      });
  }

  Status ForEachFinding(const std::function<void(const FindingRow&, const FindingObject&)>& visit) const override {
    return ForEachRow(*db_,
                      "SELECT f.object_id, f.stage, f.kind, coalesce(f.detail, ''), o.state, "
                      "coalesce(o.new_series_uid, ''), coalesce(o.new_sop_uid, ''), coalesce(o.output_path, '') "
                      "FROM findings f JOIN objects o ON o.id = f.object_id WHERE o.run_id = ?1 ORDER BY f.id",
                      {run_.id}, [&](const Statement& st) {
                        visit({st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3)},
                              {st.ColumnText(4), st.ColumnText(5), st.ColumnText(6), st.ColumnText(7)});
                      });
  }

 private:
  std::unique_ptr<SqliteDb> db_;
  RunRow run_;
  int64_t source_paths_;
};

}  // namespace

Status RunRecords::ForEachObject(const Visit<ObjectRow>& visit) const {
  std::unordered_set<int64_t> cleaned;
  for (const FindingRow& f : findings)
    if (f.stage == "pixels" && f.kind == "pixels_cleaned") cleaned.insert(f.object_id);
  for (ObjectRow o : objects) {
    o.pixels_cleaned = o.pixels_cleaned || cleaned.count(o.id) > 0;
    visit(o);
  }
  return Status::Ok();
}

Status RunRecords::ForEachSeries(const Visit<SeriesRow>& visit) const {
  for (const SeriesRow& s : series) visit(s);
  return Status::Ok();
}

Status RunRecords::ForEachCheck(const Visit<CheckRecord>& visit) const {
  for (const CheckRecord& c : checks) visit(c);
  return Status::Ok();
}

Status RunRecords::ForEachFinding(const std::function<void(const FindingRow&, const FindingObject&)>& visit) const {
  std::unordered_map<int64_t, const ObjectRow*> by_id;
  for (const ObjectRow& o : objects) by_id[o.id] = &o;
  for (const FindingRow& f : findings) {
    auto o = by_id.find(f.object_id);
    if (o == by_id.end()) continue;  // not of this run
    visit(f, {o->second->state, o->second->new_series_uid, o->second->new_sop_uid, o->second->output_path});
  }
  return Status::Ok();
}

Status RunRecords::ForEachReleasedMember(int64_t series_id, const Visit<ObjectRow>& visit) const {
  return ForEachObject([&](const ObjectRow& o) {
    if (o.series_id == series_id && o.state == "released") visit(o);
  });
}

Result<std::unique_ptr<RunSource>> OpenRunReader(const std::string& db_path, std::optional<int64_t> run_id,
                                                 bool source_paths) {
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
  std::optional<RunRow> run;
  Status s = ForEachRow(d,
                        "SELECT id, started_at, coalesce(ended_at, ''), status, profile_name, profile_sha256, "
                        "tool_version, arguments, coalesce(input_dir, ''), coalesce(output_dir, ''), "
                        "coalesce(summary, '') FROM runs WHERE id = ?1",
                        {*run_id}, [&](const Statement& st) {
                          run = RunRow{st.ColumnInt64(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                                       st.ColumnText(4),  st.ColumnText(5), st.ColumnText(6), st.ColumnText(7),
                                       st.ColumnText(8),  st.ColumnText(9), st.ColumnText(10)};
                        });
  if (!s.ok()) return s;
  if (!run) return Status::Error(ErrorCode::kInvalidArgument, "no run " + std::to_string(*run_id) + " in the database");
  return std::unique_ptr<RunSource>(std::make_unique<RunReader>(std::move(*db), std::move(*run), source_paths));
}

Result<RunRecords> ReadRunRecords(const std::string& db_path, std::optional<int64_t> run_id, bool source_paths) {
  auto reader = OpenRunReader(db_path, run_id, source_paths);
  if (!reader.ok()) return reader.status();
  const RunSource& src = **reader;
  RunRecords r;
  r.run = src.Run();
  Status s = src.ForEachObject([&](const ObjectRow& o) { r.objects.push_back(o); });
  if (s.ok()) s = src.ForEachSeries([&](const SeriesRow& x) { r.series.push_back(x); });
  if (s.ok()) s = src.ForEachCheck([&](const CheckRecord& c) { r.checks.push_back(c); });
  if (s.ok()) s = src.ForEachFinding([&](const FindingRow& f, const FindingObject&) { r.findings.push_back(f); });
  if (!s.ok()) return s;
  return r;
}

}  // namespace rwd::db
