#include "gateway/provenance_writer.h"

#include <chrono>
#include <vector>

namespace rwd::gateway {

ProvenanceWriter::ProvenanceWriter(db::ProvenanceStore& store, int64_t run_id, size_t capacity)
    : store_(store), run_id_(run_id), capacity_(capacity), thread_([this] { Loop(); }) {}

ProvenanceWriter::~ProvenanceWriter() { Close(); }

void ProvenanceWriter::Add(db::ObjectRecord record) {
  std::unique_lock<std::mutex> lock(mu_);
  has_room_.wait(lock, [&] { return queue_.size() < capacity_ || closing_; });
  queue_.push_back(std::move(record));
  // Wake the writer for a batch, not for every record.
  if (queue_.size() == 64) has_work_.notify_one();
}

bool ProvenanceWriter::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !error_.ok();
}

Status ProvenanceWriter::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  has_work_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void ProvenanceWriter::Loop() {
  constexpr size_t kMaxBatch = 256;
  std::vector<db::ObjectRecord> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // A short wait also collects a partial batch when objects come slowly.
      has_work_.wait_for(lock, std::chrono::milliseconds(50), [&] { return queue_.size() >= 64 || closing_; });
      if (queue_.empty() && !closing_) continue;
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    has_room_.notify_all();
    Status s = error_.ok() ? store_.RecordObjects(run_id_, batch) : error_;
    batch.clear();
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.ok()) error_ = s;
    }
  }
}

}  // namespace rwd::gateway
