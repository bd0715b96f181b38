#pragma once
#include "gateway/stage.h"

namespace rwd::gateway {

// Burned-in text. Until the pixel cleaner exists, an image whose header says
// it is at risk (anon::AssessBurnedInRisk) is quarantined, never released
// unexamined.
class CleanPixelsStage : public Stage {
 public:
  const char* name() const override { return "pixels"; }
  StageResult Run(ObjectContext& object) override;
};

}  // namespace rwd::gateway
