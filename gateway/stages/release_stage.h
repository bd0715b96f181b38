#pragma once
#include "gateway/folder_sink.h"
#include "gateway/stage.h"

namespace rwd::gateway {

// Serialises the de-identified object and writes it to
// OUTPUT/<pseudonymous patient>/<study>/<series>/<instance>.dcm.
class ReleaseStage : public Stage {
 public:
  explicit ReleaseStage(FolderSink& sink) : sink_(sink) {}
  const char* name() const override { return "release"; }
  StageResult Run(ObjectContext& object) override;

 private:
  FolderSink& sink_;
};

}  // namespace rwd::gateway
