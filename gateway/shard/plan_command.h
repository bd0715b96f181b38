#pragma once
// `rwdgate plan`: split an export into shards for a cluster (shard_plan.h),
// and make the work dir's keys once, before any shard starts.
#include <string>

namespace rwd::gateway {

struct PlanArgs {
  std::string input, out, workdir = "rwdgate-work", key;
  int shards = 0;
  int workers = 0;  // threads reading headers; 0: the number of cores
  bool follow_links = false;
  bool json = false;
};

// 0 written; 2 usage or key error; 1 the plan cannot be written.
int PlanCommand(const PlanArgs& args);

}  // namespace rwd::gateway
