#include "gateway/series/qc_history.h"

#include <algorithm>

#include "rules/qc_config.h"

namespace rwd::gateway {

Result<QcHistory> QcHistory::Load(db::ProvenanceStore& store, int64_t run_id) {
  QcHistory h;
  Status read = store.ForEachQcHistory(run_id, [&](db::ProvenanceStore::QcHistoryRow&& r) {
    const rules::QcCheckDefault* d = rules::FindQcCheck(r.check);
    if (!d || !d->cohort) return;  // geometry counts never use a cohort
    Group& g = h.groups_[r.group];
    g.all.values[r.check].push_back(r.value);
    g.by_series[r.series_uid][r.check] = r.value;
  });
  if (!read.ok()) return read;
  return h;
}

const qc::CohortStats* QcHistory::For(const std::string& group, const std::string& series_uid,
                                      qc::CohortStats& scratch) const {
  if (group.empty()) return nullptr;
  const auto g = groups_.find(group);
  if (g == groups_.end()) return nullptr;
  const auto self = g->second.by_series.find(series_uid);
  if (self == g->second.by_series.end()) return &g->second.all;
  scratch = g->second.all;
  for (const auto& [check, value] : self->second) {
    auto& v = scratch.values[check];
    if (auto it = std::find(v.begin(), v.end(), value); it != v.end()) v.erase(it);
  }
  return &scratch;
}

size_t QcHistory::SeriesIn(const std::string& group) const {
  const auto g = groups_.find(group);
  return g == groups_.end() ? 0 : g->second.by_series.size();
}

}  // namespace rwd::gateway
