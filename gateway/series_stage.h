#pragma once
// A step of the series phase (DESIGN.md "The pipeline", gateway/PIPELINE.md):
// it sees one complete series of staged, de-identified objects and may hold
// back the whole series or single objects, with a reason. Series stages run
// in order; any exception escaping one quarantines the series (fail closed).
// Not thread-safe: each series worker owns its own stage instances.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "db/provenance_store.h"
#include "gateway/object_facts.h"

namespace rwd::gateway {

// One staged object of the series and what the series stages decided for it.
struct SeriesMember {
  db::StagedObject staged;
  ObjectFacts facts;  // parsed from staged.facts_json
  // Set by a stage to hold this object back (the series goes on without it).
  std::optional<ErrorCode> quarantine_code;
  std::string quarantine_reason, quarantined_by;
  std::vector<db::Finding> findings;  // recorded with the object
};

struct SeriesContext {
  int64_t run_id = 0;
  db::SeriesKey key;
  std::string patient, modality;
  std::vector<SeriesMember> members;  // ordered as staged
  // Filled by the stages, recorded with the series.
  std::vector<db::SeriesCheckRow> checks;
  std::string geometry_json;

  void Quarantine(size_t member, ErrorCode code, std::string reason, const char* stage) {
    SeriesMember& m = members[member];
    if (m.quarantine_code) return;  // the first reason stands
    m.quarantine_code = code;
    m.quarantine_reason = std::move(reason);
    m.quarantined_by = stage;
  }
};

struct SeriesResult {
  bool quarantine_series = false;
  ErrorCode code = ErrorCode::kOk;
  std::string reason;  // names checks, tags and codes, never values

  static SeriesResult Continue() { return {}; }
  static SeriesResult Quarantine(ErrorCode c, std::string why) { return {true, c, std::move(why)}; }
};

class SeriesStage {
 public:
  virtual ~SeriesStage() = default;
  virtual const char* name() const = 0;
  virtual SeriesResult Run(SeriesContext& series) = 0;
};

// Makes one worker's instance of a series stage (the pipeline makes one per
// series worker).
using SeriesStageFactory = std::function<std::unique_ptr<SeriesStage>()>;

}  // namespace rwd::gateway
