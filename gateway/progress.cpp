#include "gateway/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace rwd::gateway {
namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(const ProgressCounters& c, bool enabled) : c_(c), enabled_(enabled && ::isatty(2)), start_(Now()) {
  if (enabled_) thread_ = std::thread([this] { Loop(); });
}

Progress::~Progress() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Draw(true);
}

void Progress::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stop_; })) Draw(false);
}

void Progress::Draw(bool final) {
  if (final) {
    std::fprintf(stderr, "\r\033[K");
    return;
  }
  const int64_t done = c_.done(), found = c_.found;
  const double rate = done / std::max(1e-3, Now() - start_);
  constexpr int kWidth = 30;
  const int filled = found > 0 ? static_cast<int>(kWidth * done / found) : 0;
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = 0;
  std::fprintf(stderr, "\r\033[K[%s] %lld/%lld%s files  %lld released  %lld quarantined  %lld rejected  %.0f files/s",
               bar, static_cast<long long>(done), static_cast<long long>(found), c_.walk_done ? "" : "+",
               static_cast<long long>(c_.released.load()), static_cast<long long>(c_.quarantined.load()),
               static_cast<long long>(c_.rejected.load()), rate);
  std::fflush(stderr);
}

}  // namespace rwd::gateway
