#pragma once
// The series phase (DESIGN.md "The pipeline"): for one complete series of
// staged objects, run the series stages, then decide and release it.
//
// Order, which is what makes a run crash-safe:
//   1. the series stages run on the staged objects (nothing in the output);
//   2. one transaction records the series ('releasing', or 'quarantined')
//      and moves every object out of 'staged': released, or quarantined
//      with its original copied to the quarantine first;
//   3. the released files go to the release target (ReleaseSink: renamed
//      into the output folder, or sent to a DICOM node / DICOMweb server);
//   4. the series becomes 'released' once the target took every file (a
//      remote target that did not confirm some leaves it 'releasing', its
//      files staged, for the next start).
// The output therefore only ever holds files whose rows say released; a
// crash between 2 and 4 leaves a 'releasing' series whose renames the next
// start finishes (recovery.h).
#include <memory>
#include <string>
#include <vector>

#include "db/provenance_store.h"
#include "gateway/folder_sink.h"
#include "gateway/release_manifest.h"
#include "gateway/release/release_sink.h"
#include "gateway/run_state.h"
#include "gateway/series_stage.h"
#include "gateway/staging_area.h"

namespace rwd::gateway {

struct SeriesPhaseEnv {
  db::ProvenanceStore& store;
  StagingArea& staging;
  FolderSink& quarantine;  // WORKDIR/quarantine: originals, named by SHA-256
  std::string input_dir;   // where the originals are (source paths are relative to it)
  const std::vector<uint8_t>& path_key;  // opens sealed source paths (PipelineOptions::path_key)
  RunTally& tally;
  ReleaseSink& sink;       // where released files go (steps 3 and 4: release/series_release.h)
  ReleaseManifest* manifest = nullptr;  // the run's signed manifest (none: not written)
};

// One series worker: owns its stage instances. Not thread-safe; one per thread.
class SeriesWorker {
 public:
  SeriesWorker(SeriesPhaseEnv env, const std::vector<SeriesStageFactory>& stages);
  // Decides and releases one series of `run_id`. Fails only on a database
  // error (the run cannot be trusted then).
  Status Process(int64_t run_id, const db::SeriesKey& key);

 private:
  Result<std::string> QuarantineOriginal(const db::StagedObject& o);
  db::ObjectDecision HoldBack(int64_t object_id, ErrorCode code, std::string reason, const char* stage);
  SeriesPhaseEnv env_;
  std::vector<std::unique_ptr<SeriesStage>> stages_;
};

}  // namespace rwd::gateway
