#include "db/shard_merge.h"

#include <filesystem>
#include <map>

#include "db/migrations.h"
#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

// Tables a run's rows live in, copied whole (columns by name, so a column a
// later schema adds travels too). Ids are renumbered; the columns in
// `remapped` point at renumbered rows.
struct TableCopy {
  const char* name;
  const char* rows_of_run;  // WHERE clause selecting the run's rows in schema s (?R = the run)
};
constexpr TableCopy kTables[] = {
    {"objects", "run_id = ?R"},
    {"series", "run_id = ?R"},
    {"findings", "object_id IN (SELECT id FROM s.objects WHERE run_id = ?R)"},
    {"series_checks", "run_id = ?R"},
    {"deliveries", "object_id IN (SELECT id FROM s.objects WHERE run_id = ?R)"},
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

Result<std::vector<std::string>> Columns(SqliteDb& db, const std::string& schema, const std::string& table) {
  // PRAGMA arguments cannot be bound; names here are our own constants.
  auto st = db.Prepare("SELECT name FROM pragma_table_info(?1, ?2)");
  if (!st.ok()) return st.status();
  st->BindText(1, table).BindText(2, schema);
  std::vector<std::string> out;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(st->ColumnText(0));
  }
  return out;
}

// "a.x, a.y" for the columns not in `skip`.
std::string List(const std::vector<std::string>& cols, const std::vector<std::string>& skip, const std::string& alias) {
  std::string out;
  for (const auto& c : cols) {
    bool skipped = false;
    for (const auto& s : skip) skipped |= s == c;
    if (skipped) continue;
    if (!out.empty()) out += ", ";
    out += (alias.empty() ? "" : alias + ".") + "\"" + c + "\"";
  }
  return out;
}

template <typename Fn>
Status EachRow(SqliteDb& db, std::string_view sql, Fn fn) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    fn(*st);
  }
}

constexpr std::string_view kFinal = "('released', 'quarantined', 'rejected')";

}  // namespace

Result<MergeResult> MergeShards(const MergeOptions& o, const std::vector<ShardSource>& shards) {
  auto opened = SqliteDb::Open(o.main_db);
  if (!opened.ok()) return opened.status();
  SqliteDb& db = **opened;
  auto version = Migrate(db);
  if (!version.ok()) return version.status();

  std::map<std::string, std::vector<std::string>> cols;
  for (const TableCopy& t : kTables) {
    auto c = Columns(db, "main", t.name);
    if (!c.ok()) return c.status();
    cols[t.name] = *c;
    Status s = db.Exec(std::string("DROP TABLE IF EXISTS temp.m_") + t.name + "; CREATE TEMP TABLE m_" + t.name +
                       " AS SELECT 0 AS shard, * FROM main." + t.name + " WHERE 0");
    if (!s.ok()) return s;
  }
  Status s = db.Exec(
      "DROP TABLE IF EXISTS temp.m_runs; DROP TABLE IF EXISTS temp.m_planned;"
      "CREATE TEMP TABLE m_runs (shard INTEGER, id INTEGER, started_at TEXT, ended_at TEXT, profile_name TEXT,"
      " profile_sha256 TEXT, tool_version TEXT, input_dir TEXT, output_dir TEXT, key_fingerprint TEXT,"
      " release_target TEXT, summary TEXT, sealed INTEGER);"
      "CREATE TEMP TABLE m_planned (shard INTEGER, clear TEXT, hmac TEXT);");
  if (!s.ok()) return s;

  MergeResult r;
  for (const ShardSource& shard : shards) {
    const std::string I = std::to_string(shard.shard);
    {
      Transaction txn(db);
      if (s = txn.Begin(); !s.ok()) return s;
      for (const auto& [clear, hmac] : shard.planned) {
        auto st = db.Prepare("INSERT INTO m_planned VALUES (?1, ?2, ?3)");
        if (!st.ok()) return st.status();
        if (s = st->BindInt64(1, shard.shard).BindText(2, clear).BindText(3, hmac).Run(); !s.ok()) return s;
      }
      if (s = txn.Commit(); !s.ok()) return s;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(shard.db_path, ec)) {
      r.problems.push_back({shard.shard, "", "no database: the shard has not run"});
      r.shard_runs.push_back(0);
      continue;
    }
    {
      auto attach = db.Prepare("ATTACH DATABASE ?1 AS s");
      if (!attach.ok()) return attach.status();
      if (s = attach->BindText(1, shard.db_path).Run(); !s.ok()) return s;
    }
    auto detach = [&] { return db.Exec("DETACH DATABASE s"); };
    auto shard_version = db.QueryInt64("PRAGMA s.user_version");
    auto run = db.QueryInt64("SELECT coalesce(max(id), 0) FROM s.runs WHERE status = 'completed'");
    if (!shard_version.ok() || !run.ok()) {
      detach();
      return shard_version.ok() ? run.status() : shard_version.status();
    }
    r.shard_runs.push_back(*run);
    if (*shard_version != *version || *run == 0) {
      r.problems.push_back({shard.shard, "", *run == 0 ? "no completed run in the shard's database"
                                                        : "the shard's database has another schema version"});
      if (s = detach(); !s.ok()) return s;
      continue;
    }
    const std::string R = std::to_string(*run);
    s = db.Exec("INSERT INTO m_runs SELECT " + I +
                ", id, started_at, ended_at, profile_name, profile_sha256, tool_version, input_dir, output_dir,"
                " key_fingerprint, release_target, summary,"
                " NOT EXISTS (SELECT 1 FROM s.objects WHERE run_id = " + R + " AND source_sealed IS NULL)"
                " FROM s.runs WHERE id = " + R);
    for (const TableCopy& t : kTables) {
      if (!s.ok()) break;
      const std::string list = List(cols[t.name], {}, "");
      s = db.Exec("INSERT INTO m_" + std::string(t.name) + " (shard, " + list + ") SELECT " + I + ", " + list +
                  " FROM s." + t.name + " WHERE " + Replace(t.rows_of_run, "?R", R));
    }
    Status d = detach();
    if (!s.ok()) return s;
    if (!d.ok()) return d;
  }

  // Runs: one profile, key, version and target; the key is the merge's.
  std::string first_sha, first_key, first_version, first_target, merge_key;
  std::vector<std::string> summaries;
  s = EachRow(db,
              "SELECT shard, id, started_at, profile_sha256, coalesce(key_fingerprint, ''), tool_version,"
              " coalesce(release_target, output_dir, ''), coalesce(summary, '{}') FROM m_runs ORDER BY shard",
              [&](const Statement& st) {
                const int shard = static_cast<int>(st.ColumnInt64(0));
                merge_key += std::to_string(shard) + ":" + std::to_string(st.ColumnInt64(1)) + "@" + st.ColumnText(2) + ";";
                summaries.push_back(st.ColumnText(7));
                if (summaries.size() == 1) {
                  first_sha = st.ColumnText(3), first_key = st.ColumnText(4), first_version = st.ColumnText(5),
                  first_target = st.ColumnText(6);
                }
                if (st.ColumnText(3) != first_sha) r.problems.push_back({shard, "", "another profile SHA-256 than the first shard's"});
                if (st.ColumnText(4) != first_key) r.problems.push_back({shard, "", "another key fingerprint than the first shard's"});
                if (st.ColumnText(5) != first_version) r.problems.push_back({shard, "", "another tool version than the first shard's"});
                if (st.ColumnText(6) != first_target) r.problems.push_back({shard, "", "another release target than the first shard's"});
                if (!o.key_fingerprint.empty() && st.ColumnText(4) != o.key_fingerprint)
                  r.problems.push_back({shard, "", "ran with another key than the one given to merge"});
              });
  if (!s.ok()) return s;
  if (!r.problems.empty()) return r;

  // Merged before: the same shard runs are already one run here.
  {
    auto st = db.Prepare("SELECT id FROM main.runs WHERE status = 'completed' AND json_extract(summary, '$.merge_key') = ?1");
    if (!st.ok()) return st.status();
    st->BindText(1, merge_key);
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      r.already_merged = true;
      r.run_id = st->ColumnInt64(0);
      auto n = db.QueryInt64("SELECT count(*) FROM m_objects");
      if (n.ok()) r.objects = *n;
      return r;
    }
  }

  s = db.Exec(
      "CREATE INDEX temp.m_objects_path ON m_objects (source_path);"
      "CREATE INDEX temp.m_planned_clear ON m_planned (clear);"
      "CREATE INDEX temp.m_planned_hmac ON m_planned (hmac);");
  if (!s.ok()) return s;
  // Every planned input: exactly one final state, none left staged.
  s = EachRow(db,
              "SELECT p.shard, CASE WHEN coalesce(r.sealed, 1) THEN p.hmac ELSE p.clear END,"
              " (SELECT count(*) FROM m_objects o WHERE o.source_path IN (p.clear, p.hmac) AND o.state IN " +
                  std::string(kFinal) +
                  ") AS n,"
                  " (SELECT count(*) FROM m_objects o WHERE o.source_path IN (p.clear, p.hmac) AND o.state = 'staged') AS staged"
                  " FROM m_planned p LEFT JOIN m_runs r ON r.shard = p.shard WHERE n != 1 OR staged > 0 ORDER BY p.shard, 2",
              [&](const Statement& st) {
                const int64_t n = st.ColumnInt64(2), staged = st.ColumnInt64(3);
                std::string why = n == 0 && staged ? "staged but never finished"
                                  : n == 0         ? "no final state (not processed by its shard)"
                                                   : std::to_string(n) + " final states";
                if (n == 1 && staged) why = "a final state and a row still staged";
                r.problems.push_back({static_cast<int>(st.ColumnInt64(0)), st.ColumnText(1), why});
              });
  if (!s.ok()) return s;
  s = EachRow(db,
              "SELECT shard, source_path FROM m_objects WHERE source_path NOT IN (SELECT clear FROM m_planned)"
              " AND source_path NOT IN (SELECT hmac FROM m_planned) ORDER BY shard, id",
              [&](const Statement& st) {
                r.problems.push_back({static_cast<int>(st.ColumnInt64(0)), st.ColumnText(1), "not in the plan"});
              });
  if (!s.ok()) return s;
  // Shards must not overlap: no new SOP Instance UID released twice, no series decided twice.
  s = EachRow(db,
              "SELECT shard, source_path FROM m_objects WHERE state = 'released' AND new_sop_uid IN"
              " (SELECT new_sop_uid FROM m_objects WHERE state = 'released' GROUP BY new_sop_uid"
              "  HAVING count(DISTINCT shard) > 1) ORDER BY shard, id",
              [&](const Statement& st) {
                r.problems.push_back({static_cast<int>(st.ColumnInt64(0)), st.ColumnText(1),
                                      "its new SOP Instance UID was released by another shard too"});
              });
  if (!s.ok()) return s;
  s = EachRow(db,
              "SELECT o.shard, o.source_path FROM m_objects o JOIN"
              " (SELECT new_study_uid, new_series_uid FROM m_series GROUP BY new_study_uid, new_series_uid"
              "  HAVING count(DISTINCT shard) > 1) d USING (new_study_uid, new_series_uid)"
              " WHERE o.series_id IS NOT NULL ORDER BY o.shard, o.id",
              [&](const Statement& st) {
                r.problems.push_back({static_cast<int>(st.ColumnInt64(0)), st.ColumnText(1),
                                      "its series was also decided by another shard"});
              });
  if (!s.ok()) return s;
  if (!r.problems.empty()) return r;

  // One transaction: the run, then its rows with new ids.
  Transaction txn(db);
  if (s = txn.Begin(); !s.ok()) return s;
  {
    auto st = db.Prepare(
        "INSERT INTO main.runs (profile_name, profile_sha256, tool_version, arguments, input_dir, output_dir,"
        " key_fingerprint, release_target, started_at)"
        " SELECT profile_name, profile_sha256, tool_version, ?1, input_dir, output_dir, key_fingerprint, release_target,"
        " (SELECT min(started_at) FROM m_runs) FROM m_runs ORDER BY shard LIMIT 1");
    if (!st.ok()) return st.status();
    if (s = st->BindText(1, o.arguments_json).Run(); !s.ok()) return s;
  }
  r.run_id = db.LastInsertRowId();
  const std::string R = std::to_string(r.run_id);
  const auto& oc = cols["objects"];
  const auto& sc = cols["series"];
  s = db.Exec(
      "DROP TABLE IF EXISTS temp.m_series_map; DROP TABLE IF EXISTS temp.m_objects_map;"
      "CREATE TEMP TABLE m_series_map AS SELECT shard, id AS old_id,"
      " (SELECT coalesce(max(id), 0) FROM main.series) + row_number() OVER (ORDER BY shard, id) AS new_id FROM m_series;"
      "CREATE TEMP TABLE m_objects_map AS SELECT shard, id AS old_id,"
      " (SELECT coalesce(max(id), 0) FROM main.objects) + row_number() OVER (ORDER BY shard, id) AS new_id FROM m_objects;"
      "CREATE INDEX temp.m_series_map_old ON m_series_map (shard, old_id);"
      "CREATE INDEX temp.m_objects_map_old ON m_objects_map (shard, old_id);"
      "INSERT INTO main.series (id, run_id, " + List(sc, {"id", "run_id"}, "") + ") SELECT m.new_id, " + R + ", " +
      List(sc, {"id", "run_id"}, "x") +
      " FROM m_series x JOIN m_series_map m ON m.shard = x.shard AND m.old_id = x.id ORDER BY m.new_id;"
      "INSERT INTO main.objects (id, run_id, series_id, " + List(oc, {"id", "run_id", "series_id"}, "") +
      ") SELECT m.new_id, " + R + ", sm.new_id, " + List(oc, {"id", "run_id", "series_id"}, "x") +
      " FROM m_objects x JOIN m_objects_map m ON m.shard = x.shard AND m.old_id = x.id"
      " LEFT JOIN m_series_map sm ON sm.shard = x.shard AND sm.old_id = x.series_id ORDER BY m.new_id;"
      "INSERT INTO main.findings (object_id, " + List(cols["findings"], {"id", "object_id"}, "") +
      ") SELECT m.new_id, " + List(cols["findings"], {"id", "object_id"}, "x") +
      " FROM m_findings x JOIN m_objects_map m ON m.shard = x.shard AND m.old_id = x.object_id ORDER BY x.shard, x.id;"
      "INSERT INTO main.series_checks (run_id, series_id, " + List(cols["series_checks"], {"id", "run_id", "series_id"}, "") +
      ") SELECT " + R + ", sm.new_id, " + List(cols["series_checks"], {"id", "run_id", "series_id"}, "x") +
      " FROM m_series_checks x LEFT JOIN m_series_map sm ON sm.shard = x.shard AND sm.old_id = x.series_id"
      " ORDER BY x.shard, x.id;"
      "INSERT INTO main.deliveries (object_id, series_id, " + List(cols["deliveries"], {"object_id", "series_id"}, "") +
      ") SELECT om.new_id, sm.new_id, " + List(cols["deliveries"], {"object_id", "series_id"}, "x") +
      " FROM m_deliveries x JOIN m_objects_map om ON om.shard = x.shard AND om.old_id = x.object_id"
      " JOIN m_series_map sm ON sm.shard = x.shard AND sm.old_id = x.series_id;");
  if (!s.ok()) return s;
  {
    auto st = db.Prepare(
        "UPDATE main.runs SET status = 'completed', ended_at = (SELECT max(ended_at) FROM m_runs), summary = ?1"
        " WHERE id = ?2");
    if (!st.ok()) return st.status();
    const std::string summary = o.make_summary ? o.make_summary(r.run_id, summaries, merge_key) : "{}";
    if (s = st->BindText(1, summary).BindInt64(2, r.run_id).Run(); !s.ok()) return s;
  }
  auto n = db.QueryInt64("SELECT count(*) FROM main.objects WHERE run_id = " + R);
  if (!n.ok()) return n.status();
  r.objects = *n;
  if (s = txn.Commit(); !s.ok()) return s;
  return r;
}

}  // namespace rwd::db
