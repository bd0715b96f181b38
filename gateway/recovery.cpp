#include "gateway/recovery.h"

#include <filesystem>
#include <regex>

#include "core/log.h"
#include "gateway/release/series_release.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

Result<RecoveryReport> Recover(db::ProvenanceStore& store, StagingArea& staging, ReleaseSink& sink,
                               const std::string& quarantine_dir, int64_t this_run) {
  RecoveryReport r;
  auto releasing = store.ReleasingSeries();
  if (!releasing.ok()) return releasing.status();
  for (int64_t id : *releasing) {
    auto done = ReleaseSeries(store, sink, id, nullptr);
    if (!done.ok()) return Status::Error(done.status().code(), "cannot finish an interrupted release: " +
                                                                   done.status().message());
    if (done->pending == 0) ++r.series_finished;
    r.still_pending += done->pending;
  }
  auto redone = store.AbandonStaged(this_run);
  if (!redone.ok()) return redone.status();
  r.staged_redone = *redone;
  auto keep = PendingStagingDirs(store);
  if (!keep.ok()) return keep.status();
  auto cleared = staging.ClearExcept(*keep);
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
