#pragma once
// WORKDIR/reports/run-<id>/qc.json: the QC verdict of every series of a run,
// for programs (issue "Image quality control"):
//   {"run_id": N, "series": [{"series_uid": "<new SeriesInstanceUID>", "modality": "MR",
//     "state": "released", "verdict": "fail", "flags": ["missing_slice"],
//     "pixels_checked": true, "checks": [{"name", "value", "threshold", "verdict",
//     "basis": "absolute" | "cohort z, n=25", "z", "cohort_n"}]}]}
// (basis, and z / cohort_n when a cohort history existed, on checks that are not na).
// New UIDs and check names only: never an identifier.
#include <string>

#include "core/status.h"
#include "db/provenance_store.h"

namespace rwd::gateway {

// Writes the file (mode 0600) and returns its path.
Result<std::string> WriteQcReport(db::ProvenanceStore& store, int64_t run_id, const std::string& reports_dir);

}  // namespace rwd::gateway
