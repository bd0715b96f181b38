#pragma once
// The entry point of qc/: every check on one series, graded with the
// profile's thresholds and, where enough history exists, the cohort's.
//
// Pure and thread-safe (uses the OpenCV thread pool inside); no I/O, no
// logging, nothing about the patient: results carry check names, numbers and
// method notes only. Run it on the original pixels (before defacing or
// burned-in redaction).
#include "core/series_volume.h"
#include "qc/cohort_stats.h"
#include "qc/series_qc.h"
#include "rules/qc_config.h"

namespace rwd::qc {

// `volume`: slices in volume order (series_volume.h). With voxels empty
// only the geometry checks run (pixel checks are na): the cheap header pass.
// A series with derived 3-D renderings (core/rendering.h) gets na pixel
// checks: rendered pixels are not modality values.
// `history`: the earlier values of this series' group (site + scanner
// model + protocol group), or nullptr; cohort checks use it once
// config.cohort_min_series values exist for them.
SeriesQc RunQc(const SeriesVolume& volume, const rules::QcConfig& config, const CohortStats* history);

// Only the geometry checks (headers): same as RunQc on a volume without
// voxels.
SeriesQc RunGeometryQc(const SeriesVolume& volume, const rules::QcConfig& config);

}  // namespace rwd::qc
