#include "gateway/listen/batch_tracker.h"

namespace rwd::gateway {

BatchTracker::BatchTracker(std::function<std::string()> new_name, double idle_seconds, double max_age_seconds)
    : new_name_(std::move(new_name)),
      idle_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(idle_seconds))),
      max_age_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(max_age_seconds))) {}

std::string BatchTracker::AssociationStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  if (current_.empty() || now - batches_[current_].created > max_age_) {
    current_ = new_name_();
    batches_[current_] = Batch{0, 0, now, now};
  }
  Batch& b = batches_[current_];
  ++b.open;
  b.last = now;
  return current_;
}

void BatchTracker::AssociationEnded(const std::string& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = batches_.find(batch);
  if (it == batches_.end()) return;
  --it->second.open;
  it->second.last = std::max(it->second.last, Clock::now());
}

void BatchTracker::ObjectArrived(const std::string& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = batches_.find(batch);
  if (it == batches_.end()) return;
  ++it->second.objects;
  it->second.last = Clock::now();
}

std::optional<std::string> BatchTracker::TakeComplete(bool all) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  for (auto it = batches_.begin(); it != batches_.end();) {
    const Batch& b = it->second;
    if (b.open > 0 || (!all && now - b.last < idle_)) {
      ++it;
      continue;
    }
    const std::string name = it->first;
    const bool has_objects = b.objects > 0;
    if (name == current_) current_.clear();  // later associations start a new batch
    it = batches_.erase(it);
    if (has_objects) return name;
  }
  return std::nullopt;
}

int BatchTracker::open_associations() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [name, b] : batches_) n += b.open;
  return n;
}

}  // namespace rwd::gateway
