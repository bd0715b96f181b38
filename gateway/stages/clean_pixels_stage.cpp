#include "gateway/stages/clean_pixels_stage.h"

namespace rwd::gateway {

StageResult CleanPixelsStage::Run(ObjectContext& o) {
  if (!o.burned_in.at_risk) return StageResult::Continue();
  return StageResult::Quarantine(ErrorCode::kUnsafe, "at risk of burned-in text (" + o.burned_in.reason +
                                                         "); pixels not cleaned, so not released");
}

}  // namespace rwd::gateway
