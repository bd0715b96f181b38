#pragma once
// --log FILE: one line per run-level event, appended, for unattended
// (cron) runs: "2026-12-01T02:00:00Z rwdgate[pid] run 12 start profile=research ...".
// Lines carry counts, codes, run ids and paths of the gateway's own folders,
// never attribute values. Each line is one write(2) to an O_APPEND file, so
// lines of concurrent processes do not interleave. Without a file: nothing.
#include <string>

namespace rwd::gateway {

class RunLog {
 public:
  explicit RunLog(std::string path = "") : path_(std::move(path)) {}
  // `event`: a word (start, end, error, listen, ...); `detail`: key=value pairs.
  void Event(const std::string& event, const std::string& detail) const;

 private:
  std::string path_;
};

}  // namespace rwd::gateway
