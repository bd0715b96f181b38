#pragma once
// The source of a sharded run: the files one shard of a plan lists
// (shard_plan.h), yielded as the folder walk would yield them (paths
// relative to the same input root, the same refusals), so a shard's rows
// and output are those a single run would have for these files.
#include <functional>
#include <string>
#include <vector>

#include "gateway/folder_source.h"

namespace rwd::gateway {

class ListSource {
 public:
  ListSource(std::string root, std::vector<std::string> rel_paths, bool follow_links = false);
  // Calls `emit` for each listed path, in list order. A path that is gone or
  // not a regular file comes with an error (the run rejects it): every
  // planned input ends with a state.
  void Walk(const std::function<void(SourceItem)>& emit) const;

 private:
  std::string root_;
  std::vector<std::string> rel_paths_;
  bool follow_links_;
};

}  // namespace rwd::gateway
