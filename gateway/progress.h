#pragma once
// A one-line progress display on a terminal (stderr), redrawn a few times a
// second by its own thread. Does nothing when stderr is not a terminal.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rwd::gateway {

struct ProgressCounters {
  std::atomic<int64_t> found{0}, released{0}, quarantined{0}, rejected{0};
  std::atomic<bool> walk_done{false};
  int64_t done() const { return released + quarantined + rejected; }
};

class Progress {
 public:
  Progress(const ProgressCounters& counters, bool enabled);
  ~Progress();  // stops and clears the line

 private:
  void Loop();
  void Draw(bool final);
  const ProgressCounters& c_;
  bool enabled_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  double start_;
};

}  // namespace rwd::gateway
