#pragma once
#include "gateway/stage.h"

namespace rwd::gateway {

// Reads the file's bytes once and hashes them (SHA-256). Unreadable, empty
// or oversized files are rejected.
class IngestStage : public Stage {
 public:
  explicit IngestStage(uint64_t max_bytes) : max_bytes_(max_bytes) {}
  const char* name() const override { return "ingest"; }
  StageResult Run(ObjectContext& object) override;

 private:
  uint64_t max_bytes_;
};

}  // namespace rwd::gateway
