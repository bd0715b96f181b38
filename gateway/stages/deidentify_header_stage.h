#pragma once
#include "anonymizer/header_deidentifier.h"
#include "gateway/stage.h"

namespace rwd::gateway {

// Applies the profile to the header (PS3.15 Annex E). Anything it cannot do
// safely quarantines the object.
class DeidentifyHeaderStage : public Stage {
 public:
  DeidentifyHeaderStage(const rules::Profile& profile, const anon::KeyedIds& ids) : deid_(profile, ids), ids_(ids) {}
  const char* name() const override { return "deidentify"; }
  StageResult Run(ObjectContext& object) override;

 private:
  anon::HeaderDeidentifier deid_;
  const anon::KeyedIds& ids_;
};

}  // namespace rwd::gateway
