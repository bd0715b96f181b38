#pragma once
// `rwdgate merge`: the shards' provenance into the main work dir's database
// (db/shard_merge.h), after the checks that they did what one run would.
#include <string>
#include <vector>

namespace rwd::gateway {

struct MergeArgs {
  std::string workdir = "rwdgate-work", plan, key;  // plan: default the one the shards ran
  bool json = false;
  std::vector<std::string> argv;
};

// 0 merged (or merged before); 1 a check failed (the offending inputs are
// listed, nothing written) or the database failed; 2 usage or key error;
// 3 the work dir or a shard's is in use.
int MergeCommand(const MergeArgs& args);

}  // namespace rwd::gateway
