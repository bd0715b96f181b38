#pragma once
// The pipeline (see PIPELINE.md): a folder walk feeds a bounded queue; N
// workers each run the stages in order on one object at a time; every
// object ends released, quarantined or rejected, recorded in the database.
#include <string>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "db/provenance_store.h"
#include "gateway/run_summary.h"
#include "rules/profile.h"

namespace rwd::gateway {

struct PipelineOptions {
  std::string input_dir;
  std::string output_dir;
  std::string quarantine_dir;          // holds originals: created 0700
  int workers = 2;                     // >= 1
  bool progress = false;               // draw a progress line on a terminal
  uint64_t max_object_bytes = 4ull << 30;  // larger files are quarantined
  std::vector<std::string> exclude;    // folders not to walk (output, work dir)
};

class Pipeline {
 public:
  // All references must outlive Run().
  Pipeline(const rules::Profile& profile, const anon::KeyedIds& ids, db::ProvenanceStore& store,
           PipelineOptions options);

  // Processes the whole input folder under run `run_id`. Fails only when the
  // database cannot record (then the run is not trustworthy).
  Result<RunSummary> Run(int64_t run_id);

 private:
  const rules::Profile& profile_;
  const anon::KeyedIds& ids_;
  db::ProvenanceStore& store_;
  PipelineOptions options_;
};

}  // namespace rwd::gateway
