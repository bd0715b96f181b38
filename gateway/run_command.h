#pragma once
// `rwdgate run`: de-identify a folder export into a cohort folder (or to a
// remote release target).
#include <string>
#include <vector>

#include "gateway/gateway_session.h"

namespace rwd::gateway {

struct RunArgs {
  SessionArgs session;  // profile, output / release target, work dir, key, cohort, log
  std::string input;
  int workers = 0;  // 0 = number of cores
  bool json = false;
  bool quiet = false;
  std::string incremental;  // "" off, "on", "verify" (--incremental[=verify])
  // A sharded run (README "Sharded runs on a cluster"): shard `shard` of the
  // plan folder `plan` (shard/shard_plan.h). Its files are the plan's, its
  // work dir WORKDIR/shards/<shard>/, the key and signing key WORKDIR's; the
  // output is shared with the other shards and never overwritten.
  std::string plan;
  int shard = -1;
};

// Returns the process exit code: 0 completed (even with quarantined
// objects or releases a remote target has not confirmed yet), 2 usage or
// profile error, 3 the work dir is in use by another rwdgate, 1 fatal error.
int RunCommand(const RunArgs& args);

}  // namespace rwd::gateway
