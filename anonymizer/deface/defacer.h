#pragma once
// Defacing a head series (issue 10): the entry points the deface series
// stage calls. Works on a SeriesVolume (core/series_volume.h) in patient
// coordinates; the caller builds it (core/series_volume_builder.h), writes
// the changed slices back (WriteBackSlices) and marks the objects
// (deface_bookkeeping.h) when the verdict is kDefaced.
//
// Not thread-safe per volume; distinct volumes may be defaced in parallel.
#include <optional>
#include <string>
#include <vector>

#include "anonymizer/deface/cut.h"
#include "anonymizer/deface/deface_gate.h"
#include "core/series_volume.h"

namespace rwd::deface {

struct DefaceOptions {
  CutOptions cut;
  GateOptions gate;
  double grid_mm = 2.0;             // working grid cell size
  bool render_after = true;         // PNG depth maps of the result for the report
  // Also render the original face (for review inside the hospital only: it
  // shows the face; never put it in anything released). Default false.
  bool render_before = false;
  // Per call: another series of the same study is a head (a secondary
  // capture is then treated as a head rendering). Default false.
  bool study_has_head = false;
  // Value removed voxels get (modality units). Default: CT the series'
  // PixelPaddingValue when below -500 HU, else -1000 HU; other modalities 0.
  std::optional<float> fill;
};

enum class Verdict {
  kDefaced,     // face removed, gate passed: write back and release
  kNoFace,      // a head without a face in the field of view: release unchanged
  kNotHead,     // not a head volume (or not a volume): release unchanged
  kQuarantine,  // derived rendering, unusable geometry, or the gate failed: never release
};
const char* VerdictName(Verdict v);  // "defaced", "no_face", "not_head", "quarantine"

struct DefaceResult {
  Verdict verdict = Verdict::kQuarantine;
  std::string reason;               // what decided; numbers and tags only, never a value
  std::optional<Cut> cut;           // kDefaced (and gate failures): reuse with DefaceWithCut
  GateMeasurements gate;            // kDefaced and gate failures
  std::vector<size_t> changed_slices;  // kDefaced: what WriteBackSlices needs
  double seconds = 0;               // wall time of the call
  double head_volume_ml = 0, brain_volume_ml = 0;
  std::vector<uint8_t> anterior_png, oblique_png;  // kDefaced and render_after: the result only
  std::vector<uint8_t> before_anterior_png, before_oblique_png;  // kDefaced and render_before: the original face
};

// One line for the findings table: verdict, plane (normal and offset, LPS
// mm), band parameters, clearance, residual, removed share, brain voxels
// changed, seconds. Numbers and names only, never an attribute value.
std::string FindingDetail(const DefaceResult& result);

// Detects a head with a face (by geometry and content), computes the cut,
// applies it, verifies it. On kDefaced `volume` holds the defaced voxels;
// on every other verdict it is unchanged (a gate failure is undone).
DefaceResult Deface(SeriesVolume& volume, const DefaceOptions& options);

// Applies a cut computed on another series of the same frame of reference
// (Cut::frame_of_reference_uid must equal the volume's, else kQuarantine)
// and verifies it on this volume. Same contract as Deface otherwise.
DefaceResult DefaceWithCut(const Cut& cut, SeriesVolume& volume, const DefaceOptions& options);

}  // namespace rwd::deface
