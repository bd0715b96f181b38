#pragma once
#include "gateway/folder_sink.h"
#include "gateway/stage.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

// The last object stage: serialises the de-identified object and writes it
// to the staging area under its output path
// OUTPUT/<pseudonymous patient>/<study>/<series>/<instance>.dcm (a second
// object with the same path in one run is a duplicate, or a conflict when
// its bytes differ). Its
// series stages and the release come later (series_phase.h).
class StagingStage : public Stage {
 public:
  explicit StagingStage(StagingArea& staging) : staging_(staging) {}
  const char* name() const override { return "stage"; }
  StageResult Run(ObjectContext& object) override;

 private:
  StagingArea& staging_;
};

}  // namespace rwd::gateway
