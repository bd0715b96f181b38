#include "gateway/cohort/cohort_stage.h"

#include "core/strings.h"

namespace rwd::gateway {

StageResult CohortStage::Run(ObjectContext& o) {
  DicomItem ds = o.dicom->dataset();
  const std::string patient(TrimValue(ds.GetString({0x0010, 0x0020}).value_or("")));
  const std::string accession(TrimValue(ds.GetString({0x0008, 0x0050}).value_or("")));
  if (cohort_.Matches(patient, accession)) return StageResult::Continue();
  return StageResult::Reject(ErrorCode::kNotInCohort,
                             "neither PatientID (0010,0020) nor AccessionNumber (0008,0050) is in the cohort");
}

}  // namespace rwd::gateway
