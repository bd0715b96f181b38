#pragma once
// One thread that records objects in the provenance database for all the
// workers, a batch per transaction: commits stay off the workers' path and
// the connection is used by one thread only. Memory is bounded: Add waits
// when the queue is full.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "db/provenance_store.h"

namespace rwd::gateway {

class ProvenanceWriter {
 public:
  // Starts the writer thread. `store` must outlive this object. `capacity`
  // bounds the records waiting (about 1 KB each): two batches of 256.
  ProvenanceWriter(db::ProvenanceStore& store, int64_t run_id, size_t capacity = 512);
  ~ProvenanceWriter();  // Close()s

  // Queues one object's record. Thread-safe.
  void Add(db::ObjectRecord record);
  // Records everything queued and stops the thread; returns the first
  // database error (then some records were not written: the run has failed).
  Status Close();
  // True once a write has failed: workers may stop early.
  bool failed() const;

 private:
  void Loop();

  db::ProvenanceStore& store_;
  const int64_t run_id_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable has_work_, has_room_;
  std::deque<db::ObjectRecord> queue_;
  bool closing_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace rwd::gateway
