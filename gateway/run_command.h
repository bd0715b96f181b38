#pragma once
// `rwdgate run`: de-identify a folder export into a cohort folder.
#include <string>
#include <vector>

namespace rwd::gateway {

struct RunArgs {
  std::string profile, input, output, workdir = "rwdgate-work", key;
  int workers = 0;  // 0 = number of cores
  bool json = false;
  bool quiet = false;
  bool follow_links = false;  // read links to files outside the input
  std::string record_paths = "hmac";  // hmac | clear: how objects.source_path is stored
  std::vector<std::string> argv;  // for the provenance record
};

// Returns the process exit code: 0 completed (even with quarantined
// objects), 2 usage or profile error, 1 fatal error.
int RunCommand(const RunArgs& args);

}  // namespace rwd::gateway
