#pragma once
#include "gateway/folder_sink.h"
#include "gateway/stage.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

// The last object stage: serialises the de-identified object, claims its
// output path OUTPUT/<pseudonymous patient>/<study>/<series>/<instance>.dcm
// for this run (a second object with the same path is a duplicate, or a
// conflict when its bytes differ), and writes it to the staging area. Its
// series stages and the release come later (series_phase.h).
class StagingStage : public Stage {
 public:
  StagingStage(FolderSink& claims, StagingArea& staging) : claims_(claims), staging_(staging) {}
  const char* name() const override { return "stage"; }
  StageResult Run(ObjectContext& object) override;

 private:
  FolderSink& claims_;
  StagingArea& staging_;
};

}  // namespace rwd::gateway
