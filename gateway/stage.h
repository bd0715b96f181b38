#pragma once
// One step of the pipeline (gateway/PIPELINE.md). A stage either lets the
// object go on, or decides its fate with a reason. Any exception escaping a
// stage quarantines the object (the pipeline catches it): fail closed.
#include <string>

#include "core/status.h"
#include "core/utf8.h"
#include "gateway/object_context.h"

namespace rwd::gateway {

enum class Outcome { kContinue, kReject, kQuarantine };

struct StageResult {
  Outcome outcome = Outcome::kContinue;
  ErrorCode code = ErrorCode::kOk;
  std::string reason;  // names tags, codes and paths, never attribute values

  static StageResult Continue() { return {}; }
  // Reasons go to the database and the summary: always valid UTF-8.
  static StageResult Reject(ErrorCode c, std::string why) { return {Outcome::kReject, c, ToValidUtf8(why)}; }
  static StageResult Quarantine(ErrorCode c, std::string why) {
    return {Outcome::kQuarantine, c, ToValidUtf8(why)};
  }
};

// Not thread-safe: each worker owns its own stage instances.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual const char* name() const = 0;
  virtual StageResult Run(ObjectContext& object) = 0;
};

}  // namespace rwd::gateway
