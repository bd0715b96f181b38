// ProvenanceStore: the QC history that cohort-relative grading reads
// (qc/cohort_stats.h). No schema of its own: the group is the HMAC the
// series' qc JSON carries ("group"), the values are series_checks rows.
#include <string_view>

#include "db/provenance_store.h"
#include "db/sqlite_db.h"

namespace rwd::db {
namespace {

// The newest decision of every series (by its new UIDs) of the runs before
// ?1 whose qc JSON names a group; only a 64-hex group is trusted. One scan
// of series_checks, the series by primary key (linear in the history).
constexpr std::string_view kQcHistory =
    "SELECT json_extract(s.qc, '$.group'), s.new_series_uid, c.check_name, c.value"
    " FROM series_checks c JOIN series s ON s.id = c.series_id"
    " WHERE c.value IS NOT NULL AND c.verdict <> 'na' AND s.run_id < ?1"
    " AND length(json_extract(s.qc, '$.group')) = 64"
    " AND ltrim(json_extract(s.qc, '$.group'), '0123456789abcdef') = ''"
    " AND s.id IN (SELECT max(id) FROM series WHERE run_id < ?1 GROUP BY new_study_uid, new_series_uid)";

}  // namespace

Status ProvenanceStore::ForEachQcHistory(int64_t before_run, const std::function<void(QcHistoryRow&&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Statement> st = db_->Prepare(kQcHistory);
  if (!st.ok()) return st.status();
  st->BindInt64(1, before_run);
  while (true) {
    Result<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!row.value()) return Status::Ok();
    fn({st->ColumnText(0), st->ColumnText(1), st->ColumnText(2), st->ColumnDouble(3)});
  }
}

}  // namespace rwd::db
