#include "gateway/release/series_release.h"

#include <unistd.h>

#include "core/log.h"

namespace rwd::gateway {

Result<SeriesReleaseResult> ReleaseSeries(db::ProvenanceStore& store, ReleaseSink& sink, int64_t series_id,
                                          RunTally* tally) {
  auto files = store.UndeliveredFiles(series_id);
  if (!files.ok()) return files.status();
  SeriesReleaseResult r;
  std::vector<bool> delivered(files->size(), false);
  Status sent = files->empty() ? Status::Ok() : sink.Deliver(*files, delivered);
  std::vector<int64_t> confirmed;
  for (size_t i = 0; i < files->size(); ++i) {
    if (!delivered[i]) {
      ++r.pending;
      continue;
    }
    ++r.delivered;
    confirmed.push_back((*files)[i].object_id);
    if (tally)
      tally->Count(db::ObjectState::kReleased, ErrorCode::kOk, 0, (*files)[i].size_out, (*files)[i].regions_redacted);
  }
  if (sink.records_deliveries() && !confirmed.empty()) {
    // Recorded before the staged copies go: a crash in between re-sends
    // nothing that the database says was confirmed.
    Status s = store.RecordDeliveries(series_id, confirmed, sink.target());
    if (!s.ok()) return s;
    for (size_t i = 0; i < files->size(); ++i)
      if (delivered[i]) ::unlink((*files)[i].staging_path.c_str());
  }
  // All confirmed despite an error at the end (e.g. releasing the
  // association) still releases the series.
  if (r.pending > 0) {
    LogError("release to " + sink.target() + ": series " + std::to_string(series_id) + ": " +
             std::to_string(r.pending) + " object(s) not confirmed (" + sent.message() +
             "); they stay staged and are retried");
    return r;
  }
  Status s = store.MarkSeriesReleased(series_id);
  if (!s.ok()) return s;
  return r;
}

Result<std::unordered_set<std::string>> PendingStagingDirs(db::ProvenanceStore& store) {
  std::unordered_set<std::string> dirs;
  auto releasing = store.ReleasingSeries();
  if (!releasing.ok()) return releasing.status();
  for (int64_t id : *releasing) {
    auto files = store.UndeliveredFiles(id);
    if (!files.ok()) return files.status();
    for (const db::ReleaseEntry& f : *files)
      dirs.insert(f.staging_path.substr(0, f.staging_path.find_last_of('/')));
  }
  return dirs;
}

}  // namespace rwd::gateway
