#pragma once
// Step 3 and 4 of the series phase (series_phase.h), for any target: hand
// the not yet confirmed released files of a 'releasing' series to the sink,
// record what a remote target confirmed, remove those staged copies, and
// mark the series 'released' once nothing is left. Used by the series phase
// and by recovery (a series left 'releasing' by a crash or a peer that was
// down is retried at the next start).
#include <cstdint>
#include <string>
#include <unordered_set>

#include "core/status.h"
#include "db/provenance_store.h"
#include "gateway/release/release_sink.h"
#include "gateway/run_state.h"

namespace rwd::gateway {

struct SeriesReleaseResult {
  int64_t delivered = 0;  // objects the target took in this call
  int64_t pending = 0;    // objects still waiting (0: the series is released)
};

// Fails only on a database error; a target failure is logged (target, series
// id, code: no attribute values) and leaves the series 'releasing'.
// `tally` (may be null) counts each delivered object as released.
Result<SeriesReleaseResult> ReleaseSeries(db::ProvenanceStore& store, ReleaseSink& sink, int64_t series_id,
                                          RunTally* tally);

// The staging folders that hold files of series still 'releasing' (kept
// when the staging area is cleared).
Result<std::unordered_set<std::string>> PendingStagingDirs(db::ProvenanceStore& store);

}  // namespace rwd::gateway
