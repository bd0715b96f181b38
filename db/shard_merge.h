#pragma once
// Merging the provenance of a sharded run (README "Sharded runs on a
// cluster"): the newest completed run of each shard's database becomes one
// run of the main database, in one transaction, after checks that the
// shards together did exactly what one run would have done:
//   - every planned input has exactly one final state (released,
//     quarantined, rejected), and no row is for an input the plan lacks;
//   - no new SOP Instance UID (and no series) was released by two shards;
//   - every shard ran with the same profile SHA-256, key fingerprint, tool
//     version and release target, and the key is the merge's.
// Any failed check writes nothing. Merging the same shard runs again finds
// the run made the first time and writes nothing either.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::db {

struct ShardSource {
  int shard = 0;
  std::string db_path;  // WORKDIR/shards/<shard>/rwdgate.db
  // The shard's planned inputs as objects.source_path may hold them: each
  // relative path in clear and as "hmac:" + its keyed HMAC.
  std::vector<std::pair<std::string, std::string>> planned;
};

struct MergeProblem {
  int shard = -1;     // -1: not one shard's
  std::string input;  // source path as stored (the HMAC form unless the run recorded clear paths); "" for run-level
  std::string problem;
};

struct MergeResult {
  bool already_merged = false;
  int64_t run_id = 0;  // the merged run (new, or the one found)
  int64_t objects = 0;
  std::vector<int64_t> shard_runs;  // per shard, the run merged
  std::vector<MergeProblem> problems;  // non-empty: nothing was written
};

struct MergeOptions {
  std::string main_db;          // WORKDIR/rwdgate.db (created when absent)
  std::string arguments_json;   // the merge's command line, for runs.arguments
  std::string key_fingerprint;  // of the key the merge was given
  // Builds runs.summary of the merged run `run_id` from the shard runs'
  // summaries (in shard order); it must carry `merge_key` (a string naming
  // the shard runs) as "merge_key", which is how a second merge finds it.
  std::function<std::string(int64_t run_id, const std::vector<std::string>& summaries, const std::string& merge_key)>
      make_summary;
};

// Fails only when a database cannot be read or written; check failures come
// back as problems.
Result<MergeResult> MergeShards(const MergeOptions& options, const std::vector<ShardSource>& shards);

}  // namespace rwd::db
