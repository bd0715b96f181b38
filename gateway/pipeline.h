#pragma once
// The pipeline (see PIPELINE.md), in two phases. Object phase: a folder walk
// feeds a bounded queue; N workers run the object stages on one object at a
// time and stage it (or reject / quarantine it). Series phase: once the walk
// is done every series is complete; N workers run the series stages on one
// series at a time and release it (series_phase.h). Every object ends
// released, quarantined or rejected, recorded in the database.
#include <memory>
#include <string>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "db/provenance_store.h"
#include "gateway/cohort/cohort.h"
#include "gateway/incremental/incremental_index.h"
#include "gateway/release/release_sink.h"
#include "gateway/run_summary.h"
#include "gateway/series_stage.h"
#include "rules/profile.h"

namespace rwd::gateway {

struct PipelineOptions {
  std::string input_dir;
  std::string output_dir;
  std::string work_dir;                // staging area (when on the output's file system)
  std::string quarantine_dir;          // holds originals: created 0700
  int workers = 2;                     // >= 1
  bool progress = false;               // draw a progress line on a terminal
  uint64_t max_object_bytes = 4ull << 30;  // larger files are quarantined
  std::vector<std::string> exclude;    // folders not to walk (output, work dir)
  bool follow_links = false;           // read links to files outside the input root
  // Non-empty (the project key): objects.source_path holds "hmac:" + the
  // keyed HMAC of the path and source_sealed the path sealed with the key
  // (core/sealed_text.h); empty: the path in clear (--record-paths clear).
  std::vector<uint8_t> path_key;
  // The Ed25519 private key (PEM) that signs OUTPUT/manifest.jsonl; empty:
  // no manifest.
  std::string signing_key_pem;
  // Series stages run after the built-in ones (geometry), in this order.
  std::vector<SeriesStageFactory> series_stages;
  // Network and nightly runs (issue 12); all optional.
  // Remote release target (release/release_target.h); null: the output folder.
  std::shared_ptr<ReleaseSink> remote_sink;
  const Cohort* cohort = nullptr;                // only its objects are processed (NotInCohort)
  const IncrementalIndex* incremental = nullptr;  // inputs it knows unchanged are skipped
  // Sharded runs (README "Sharded runs on a cluster"); all optional.
  // The shard's files, relative to input_dir (shard/list_source.h); null: walk input_dir.
  const std::vector<std::string>* files = nullptr;
  // The output is shared with other shards: never replace a file in it (an
  // object whose output path holds other bytes is quarantined).
  bool no_overwrite = false;
  // The staging folder's name when it must live in the output folder.
  std::string staging_name = ".rwdgate-staging";
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
