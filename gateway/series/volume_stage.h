#pragma once
// The series stages that need the pixels of a whole series: image quality
// control (qc/) and defacing (anonymizer/deface/), on one decoded volume.
//
//   - QC runs on every series. Without a qc: section in the profile only its
//     geometry checks run, from the per-object facts (nothing decoded: the
//     header-only path keeps its speed); with one, CT and MR series are
//     decoded and every check runs. QC comes first, before defacing (a
//     defaced face is never taken for an artefact), on the original pixels:
//     objects whose pixels the object phase changed (burned-in boxes) are
//     re-read from the input for it (original_pixels.h). Cohort checks are
//     graded against the series' QC group in the history (qc_history.h).
//   - Defacing runs when the profile sets clean_recognizable_visual_features,
//     on CT and MR series: a head with a face is defaced and verified, or the
//     series is held back; the cut is shared by the series of one frame of
//     reference (the first defaced series of it gives the cut).
// One volume in memory per worker; series larger than the limit are not
// decoded (QC geometry only; with defacing on they are held back unless
// they are far longer than a head).
#include <map>
#include <mutex>
#include <string>

#include "anonymizer/deface/cut.h"
#include "db/provenance_store.h"
#include "gateway/original_reader.h"
#include "gateway/series/qc_history.h"
#include "gateway/series_stage.h"
#include "rules/profile.h"

namespace rwd::gateway {

// Cuts by frame of reference, shared by the series workers of one run.
class CutCache {
 public:
  std::optional<deface::Cut> Find(const std::string& frame_of_reference);
  void Put(const std::string& frame_of_reference, const deface::Cut& cut);

 private:
  std::mutex mu_;
  std::map<std::string, deface::Cut> cuts_;
};

class VolumeStage : public SeriesStage {
 public:
  // `reports_dir`: where the after-renderings of defaced heads go (PNG).
  // `originals`: where the inputs are, for QC on original pixels.
  // `history`: the QC cohort history of earlier runs (nullptr: absolute
  // thresholds only).
  VolumeStage(const rules::Profile& profile, db::ProvenanceStore& store, CutCache& cuts, std::string reports_dir,
              OriginalSource originals, const QcHistory* history = nullptr)
      : profile_(profile), store_(store), cuts_(cuts), reports_dir_(std::move(reports_dir)),
        originals_(std::move(originals)), history_(history) {}
  const char* name() const override { return "qc_deface"; }
  SeriesResult Run(SeriesContext& series) override;

  static constexpr size_t kMaxVoxels = size_t{400} << 20;  // ~1.6 GB of float voxels

 private:
  SeriesResult Deface(SeriesContext& series, SeriesVolume& volume, std::vector<DicomFile>& files,
                      std::vector<std::string>& paths);
  const rules::Profile& profile_;
  db::ProvenanceStore& store_;
  CutCache& cuts_;
  std::string reports_dir_;
  OriginalSource originals_;
  const QcHistory* history_;
};

// The volume's geometry from the per-object facts alone (no pixels).
SeriesVolume GeometryFromFacts(const SeriesContext& series);

}  // namespace rwd::gateway
