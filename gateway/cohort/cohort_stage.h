#pragma once
// The cohort filter (--cohort), an object stage right after identify: an
// object whose Patient ID and Accession Number are both outside the cohort
// is rejected NotInCohort before anything of it is de-identified, staged or
// copied (a rejected object is written nowhere; its row names no value).
#include "gateway/cohort/cohort.h"
#include "gateway/stage.h"

namespace rwd::gateway {

class CohortStage : public Stage {
 public:
  explicit CohortStage(const Cohort& cohort) : cohort_(cohort) {}
  const char* name() const override { return "cohort"; }
  StageResult Run(ObjectContext& object) override;

 private:
  const Cohort& cohort_;
};

}  // namespace rwd::gateway
