// homogeneity: within-series consistency of the attributes a volume needs
// (dcm2niix refuses to stack slices that differ in them; the research note's
// D3). Value: how many of these differ between slices: Rows/Columns,
// PixelSpacing (> 1e-3 mm), ImageOrientationPatient (> 1e-3 per cosine),
// FrameOfReferenceUID, BitsStored. Fails at 1: such a series is several
// volumes (split it) or a broken one.
#include <cmath>

#include "qc/checks.h"

namespace rwd::qc {

CheckResult CheckHomogeneity(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("homogeneity", "no slices");
  const SliceGeometry& f = v.slices.front();
  bool size = false, spacing = false, orientation = false, frame = false, bits = false;
  for (const SliceGeometry& g : v.slices) {
    size = size || g.rows != f.rows || g.columns != f.columns;
    if (g.pixel_spacing.has_value() != f.pixel_spacing.has_value()) spacing = true;
    else if (g.pixel_spacing)
      for (int i = 0; i < 2; ++i) spacing = spacing || std::abs((*g.pixel_spacing)[i] - (*f.pixel_spacing)[i]) > 1e-3;
    if (g.orientation.has_value() != f.orientation.has_value()) orientation = true;
    else if (g.orientation)
      for (int i = 0; i < 6; ++i) orientation = orientation || std::abs((*g.orientation)[i] - (*f.orientation)[i]) > 1e-3;
    frame = frame || g.frame_of_reference_uid != f.frame_of_reference_uid;
    bits = bits || g.bits_stored != f.bits_stored;
  }
  std::string note;
  for (auto [differs, name] : {std::pair{size, "Rows/Columns"}, {spacing, "PixelSpacing"},
                               {orientation, "ImageOrientationPatient"}, {frame, "FrameOfReferenceUID"},
                               {bits, "BitsStored"}})
    if (differs) note += (note.empty() ? "differ: " : ", ") + std::string(name);
  const int count = size + spacing + orientation + frame + bits;
  return Grade("homogeneity", count, t, note);
}

}  // namespace rwd::qc
