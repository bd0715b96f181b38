#pragma once
// QC looks at the original pixels (issue "Image quality control"): a
// burned-in box the object phase filled must never be taken for an artefact
// or change a noise figure. The staged volume holds the redacted pixels
// (defacing and the release need those); for QC, the slices of objects whose
// pixels were changed are swapped for the originals' pixels, re-read from
// the input and checked against their ingest SHA-256 (original_reader.h),
// and swapped back before anything else sees the volume. Only those slices
// are held twice in memory.
#include <functional>
#include <utility>
#include <vector>

#include "core/dicom_file.h"
#include "core/series_volume.h"
#include "core/status.h"

namespace rwd::gateway {

class OriginalPixels {
 public:
  // Loads the original of object `object_index` (an index into the objects
  // the volume was built from).
  using Loader = std::function<Result<DicomFile>(size_t object_index)>;

  // Puts the originals' voxels of `changed_objects` into `volume` (the one
  // built from the staged objects). On an error nothing stays swapped.
  // REQUIRES: volume.voxels filled; no other swap in force.
  Status SwapIn(SeriesVolume& volume, const std::vector<size_t>& changed_objects, const Loader& load);
  // Puts the staged voxels back (no-op when nothing is swapped).
  void Restore(SeriesVolume& volume);
  size_t slices_swapped() const { return saved_.size(); }

 private:
  std::vector<std::pair<size_t, std::vector<float>>> saved_;  // volume slice -> staged voxels
};

}  // namespace rwd::gateway
