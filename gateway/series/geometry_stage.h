#pragma once
// The first series stage: records the geometry of every series (slice
// count, orientation, spacing along the slice normal, homogeneity) in the
// `series` table. It decides nothing: the QC stage (volume_stage.h)
// judges; this keeps the facts every later stage and the report use.
#include "gateway/series_stage.h"

namespace rwd::gateway {

class GeometryStage : public SeriesStage {
 public:
  const char* name() const override { return "geometry"; }
  SeriesResult Run(SeriesContext& series) override;
};

// What GeometryStage measures (also for tests and other stages).
struct SeriesGeometry {
  int slices = 0;                // images (frames counted)
  std::string orientation;       // AXIAL, SAGITTAL, CORONAL, OBLIQUE, MIXED or "" (unknown)
  bool homogeneous = true;       // same rows, columns, orientation, pixel spacing
  int positioned = 0;            // slices with position and orientation
  double spacing_median = 0, spacing_min = 0, spacing_max = 0;  // mm along the normal
  int duplicate_positions = 0;   // neighbours closer than 0.01 mm
  int gaps = 0;                  // neighbours further than 1.5 x the median spacing
};
SeriesGeometry MeasureGeometry(const std::deque<SeriesMember>& members);

}  // namespace rwd::gateway
