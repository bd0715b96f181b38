#pragma once
// The listener's spool: WORKDIR/spool (0700). Every object received by
// C-STORE is written to spool/incoming/<unique>.part, fsync'ed, renamed into
// its batch folder spool/<batch>/<unique>.dcm and the folder fsync'ed,
// before the C-STORE response says success: an object acknowledged is on
// disk, whatever happens next. A '.part' file is never acknowledged (the
// peer got no success, it sends again) and is removed at start.
//
// A batch folder is one pipeline pass (a run) once its series are complete
// (batch_tracker.h); it is removed after its run has completed.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::gateway {

class Spool {
 public:
  // Creates the folders; removes '.part' files left by a crash.
  static Result<Spool> Open(const std::string& work_dir, uint64_t min_free_bytes);

  // A new temporary path for one incoming object. Thread-safe.
  std::string NewIncomingPath();
  // Makes the received file durable in `batch` (see above). Thread-safe.
  Status Commit(const std::string& incoming_path, const std::string& batch);
  // True when the spool's file system has less free space than the minimum.
  bool LowOnSpace() const;

  // A new batch name, later than every existing one (sortable).
  std::string NewBatchName();
  // Batch folders present (left by a crash, or waiting), oldest first.
  std::vector<std::string> ExistingBatches() const;
  std::string BatchDir(const std::string& batch) const { return root_ + "/" + batch; }
  Status RemoveBatch(const std::string& batch);
  const std::string& root() const { return root_; }

 private:
  Spool(std::string root, uint64_t min_free) : root_(std::move(root)), min_free_(min_free) {}
  std::string root_;
  uint64_t min_free_;
};

}  // namespace rwd::gateway
