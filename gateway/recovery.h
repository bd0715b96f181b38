#pragma once
// What a run does first, after an earlier process died (kill -9, power,
// OOM): finish what was committed, redo what was not, leave nothing behind.
//   - series left 'releasing' (rows released, files maybe not all moved or
//     sent): their unconfirmed staged files go to the release target, the
//     series becomes released (a remote target still down leaves it
//     'releasing' and its staged files in place for the next start);
//   - objects left 'staged' by ended runs become rejected (kInterrupted):
//     this run processes their inputs again (the key makes the result
//     identical);
//   - the staging area is emptied, and temporary '*.partNNNNN' files of
//     interrupted writes are removed from the quarantine.
// REQUIRES: the work dir lock is held (no other process uses the database).
#include "core/status.h"
#include "db/provenance_store.h"
#include "gateway/release/release_sink.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

struct RecoveryReport {
  int64_t series_finished = 0;  // 'releasing' series completed
  int64_t staged_redone = 0;    // staged rows of interrupted runs
  int64_t files_removed = 0;    // staging and temporary files removed
  int64_t still_pending = 0;    // objects a remote target has still not confirmed
};

Result<RecoveryReport> Recover(db::ProvenanceStore& store, StagingArea& staging, ReleaseSink& sink,
                               const std::string& quarantine_dir, int64_t this_run);

}  // namespace rwd::gateway
