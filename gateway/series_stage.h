#pragma once
// A step of the series phase (DESIGN.md "The pipeline", gateway/PIPELINE.md):
// it sees one complete series of staged, de-identified objects and may hold
// back the whole series or single objects, with a reason. Series stages run
// in order; any exception escaping one quarantines the series (fail closed).
// Not thread-safe: each series worker owns its own stage instances.
#include <array>
#include <deque>
#include <map>
#include <string_view>
#include <unordered_set>
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
// One object's facts as the series stages see them (ObjectFacts, from
// objects.facts). Kept small: a series of 20,000 slices is 20,000 of these
// in memory; paths and hashes stay in the database until needed, and the
// strings a series repeats are stored once (SeriesContext::Intern).
struct SliceFacts {
  std::optional<std::array<double, 3>> position;       // ImagePositionPatient
  std::optional<std::array<double, 6>> orientation;    // ImageOrientationPatient
  std::optional<std::array<double, 2>> pixel_spacing;  // PixelSpacing
  std::optional<double> slice_thickness;
  std::optional<int> instance_number;
  int rows = 0, columns = 0, frames = 1;
  int pixel_regions_redacted = 0;
  std::optional<double> gantry_tilt;
  std::string_view image_type, frame_of_reference;  // valid while the SeriesContext lives
  std::string_view qc_group;                        // ObjectFacts::qc_group (interned too)
  bool pixels_changed = false;                      // the object phase changed its pixels
};

struct SeriesMember {
  int64_t object_id = 0;  // objects.id
  SliceFacts facts;
};

// What a stage decided for one object (SeriesContext::Quarantine) or noticed.
struct MemberDecision {
  std::optional<ErrorCode> quarantine_code;  // set: held back, the series goes on without it
  std::string quarantine_reason;
  const char* quarantined_by = "";
  std::vector<db::Finding> findings;  // recorded with the object
  std::optional<db::RewrittenObject> rewritten;  // a stage rewrote the staged file
};

struct SeriesContext {
  int64_t run_id = 0;
  db::SeriesKey key;
  std::string patient, modality;
  std::deque<SeriesMember> members;  // ordered as staged
  // Filled by the stages, recorded with the series.
  std::vector<db::SeriesCheckRow> checks;
  std::string geometry_json, qc_json, deface_json;
  std::map<size_t, MemberDecision> decisions;  // by member index; most members have none

  void Quarantine(size_t member, ErrorCode code, std::string reason, const char* stage) {
    MemberDecision& d = decisions[member];
    if (d.quarantine_code) return;  // the first reason stands
    d.quarantine_code = code;
    d.quarantine_reason = std::move(reason);
    d.quarantined_by = stage;
  }
  void AddFinding(size_t member, db::Finding f) { decisions[member].findings.push_back(std::move(f)); }
  void Rewritten(size_t member, db::RewrittenObject r) { decisions[member].rewritten = std::move(r); }
  // One stored copy of a string the series repeats (image type, frame of reference).
  std::string_view Intern(const std::string& s) { return *strings_.insert(s).first; }

 private:
  std::unordered_set<std::string> strings_;  // node-based: views stay valid
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
