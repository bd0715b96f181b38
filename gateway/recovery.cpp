#include "gateway/recovery.h"

#include <filesystem>
#include <regex>
#include <set>

#include "core/log.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

Result<RecoveryReport> Recover(db::ProvenanceStore& store, StagingArea& staging, const std::string& quarantine_dir,
                               int64_t this_run) {
  RecoveryReport r;
  auto pending = store.PendingRenames();
  if (!pending.ok()) return pending.status();
  std::set<int64_t> series;
  for (const db::PendingRename& p : *pending) {
    Status s = staging.Promote(p.staging_path, p.output_path);
    if (!s.ok()) return Status::Error(s.code(), "cannot finish an interrupted release: " + s.message());
    series.insert(p.series_id);
  }
  for (int64_t id : series) {
    Status s = store.MarkSeriesReleased(id);
    if (!s.ok()) return s;
  }
  r.series_finished = static_cast<int64_t>(series.size());
  auto redone = store.AbandonStaged(this_run);
  if (!redone.ok()) return redone.status();
  r.staged_redone = *redone;
  auto cleared = staging.Clear();
  if (!cleared.ok()) return cleared.status();
  r.files_removed = *cleared;
  // FolderSink's temporary names: <name>.part<digits>.
  static const std::regex kPart(R"(.*\.part[0-9]+$)");
  std::error_code ec;
  for (auto it = fs::directory_iterator(quarantine_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!std::regex_match(it->path().filename().string(), kPart)) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++r.files_removed;
  }
  if (r.series_finished || r.staged_redone)
    LogWarn("recovery: finished the release of " + std::to_string(r.series_finished) + " series and redo " +
            std::to_string(r.staged_redone) + " staged object(s) of an interrupted run");
  return r;
}

}  // namespace rwd::gateway
