#pragma once
// Which spool batch an association writes to, and when a batch is complete
// (issue 12: "a series is closed when its association has ended and no
// object of it arrived for --series-idle seconds").
//
// An association is assigned the current batch when it is accepted; all its
// objects go there. A batch is complete when none of its associations is
// open and no object arrived for `idle` seconds; then the current batch
// moves on (later associations write to a new batch) and the complete one
// is processed as one run. So every series whose associations have ended is
// processed at most `idle` seconds after its last object, and a series
// still being sent is never cut (its association keeps its batch open). A
// batch older than `max_age` takes no new associations (a busy node never
// starves the release). Thread-safe.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <functional>

namespace rwd::gateway {

class BatchTracker {
 public:
  using Clock = std::chrono::steady_clock;
  BatchTracker(std::function<std::string()> new_name, double idle_seconds, double max_age_seconds);

  std::string AssociationStarted();
  void AssociationEnded(const std::string& batch);
  void ObjectArrived(const std::string& batch);
  // A complete batch with objects, oldest first, or none. With `all`
  // (shutdown, after every association ended), any batch with objects.
  std::optional<std::string> TakeComplete(bool all);
  // Associations open now.
  int open_associations() const;

 private:
  struct Batch {
    int open = 0;
    int64_t objects = 0;
    Clock::time_point created, last;
  };
  std::function<std::string()> new_name_;
  Clock::duration idle_, max_age_;
  mutable std::mutex mu_;
  std::map<std::string, Batch> batches_;  // name -> state (names sort by creation)
  std::string current_;
};

}  // namespace rwd::gateway
