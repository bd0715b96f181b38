#pragma once
#include "gateway/stage.h"
#include "rules/profile.h"

namespace rwd::gateway {

// Parses the object (DCMTK through the core facade), tells what it is, and
// applies the profile's filter. Not DICOM / truncated -> rejected; a
// transfer syntax that cannot be read -> quarantined; DICOMDIR -> rejected
// (an index, not an object: the files it lists are found by the walk).
class IdentifyStage : public Stage {
 public:
  explicit IdentifyStage(const rules::Profile& profile) : profile_(profile) {}
  const char* name() const override { return "identify"; }
  StageResult Run(ObjectContext& object) override;

 private:
  const rules::Profile& profile_;
};

}  // namespace rwd::gateway
