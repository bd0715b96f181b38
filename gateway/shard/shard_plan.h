#pragma once
// A plan for a sharded run (README "Sharded runs on a cluster"): the export's
// files split into N shards so that every study (and so every series, which
// the series stages need whole) lies in one shard, balanced by bytes.
//
// On disk, PLAN/ (0700) holds plan.json (the input root, the shard count, and
// files and bytes per shard) and shard-<I>.list (0600): the shard's paths,
// relative to the input root, one per line ('\' and newline escaped as "\\"
// and "\n"). The paths are PHI-bearing (PACS folders are named after
// patients): the plan is as sensitive as the export itself.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace rwd::gateway {

struct ShardPlan {
  std::string input_dir;                       // absolute
  std::vector<std::vector<std::string>> shards;  // relative paths, sorted, per shard
  std::vector<uint64_t> bytes;                  // per shard
  int64_t studies = 0, unparsed = 0;            // groups placed; files without a readable study UID
};

struct PlanOptions {
  std::string input_dir;
  int shards = 1;                     // >= 1
  std::vector<std::string> exclude;   // folders not to walk (the work dir)
  bool follow_links = false;
  int readers = 0;                    // threads reading headers; 0: the number of cores
};

// Walks the export once (as `run` would: the same files, the same refusals),
// reads each file's header up to the Study Instance UID (`readers` threads),
// and places whole
// studies, largest first, on the shard with the fewest bytes so far. A file
// whose study UID cannot be read (not DICOM, truncated, unreadable) is placed
// alone, like a study of its own, so its shard records its fate.
ShardPlan MakePlan(const PlanOptions& options);

// Writes PLAN/ (created 0700; files 0600, through temporary files).
Status WritePlan(const ShardPlan& plan, const std::string& dir);

// Reads plan.json (shard lists left empty unless `with_lists`).
Result<ShardPlan> ReadPlan(const std::string& dir, bool with_lists = false);
// Reads one shard's list. kInvalidArgument when `shard` is out of range.
Result<std::vector<std::string>> ReadShardList(const std::string& dir, int shard);

// WORKDIR/shards/ran: the plan folder and the key file the shards ran with
// (paths only; written by each shard run, read by merge when it is given no
// --plan or --key).
struct ShardRunPaths {
  std::string plan_dir, key_file;
};
Status RecordShardRunPaths(const std::string& shards_dir, const ShardRunPaths& paths);
Result<ShardRunPaths> RecordedShardRunPaths(const std::string& shards_dir);

}  // namespace rwd::gateway
