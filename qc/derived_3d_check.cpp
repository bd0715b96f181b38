// derived_3d: 3-D renderings (volume rendering, MIP, surface shading) are
// derived images that, for a head, show the face: PS3.15 E.3.13 (Clean
// Recognizable Visual Features) cannot be met by header work, so the shipped
// action is quarantine. ImageType (0008,0008) value 1 DERIVED with a value
// naming a rendering or projection (PS3.3 C.7.6.1.1.2, C.8.16.1: VOLUME,
// MIP, MINIP, 3D, VR, VRT, SSD, SURFACE, RENDER..., PROJECTION IMAGE).
// Value: the number of such slices.
#include <sstream>

#include "qc/checks.h"

namespace rwd::qc {
namespace {

bool IsRendering(const std::string& image_type) {
  std::vector<std::string> values;
  std::stringstream in(image_type);
  for (std::string part; std::getline(in, part, '\\');) {
    while (!part.empty() && part.back() == ' ') part.pop_back();
    for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    values.push_back(part);
  }
  if (values.empty() || values[0] != "DERIVED") return false;
  for (size_t i = 1; i < values.size(); ++i) {
    const std::string& v = values[i];
    if (v == "VOLUME" || v == "3D" || v == "VR" || v == "VRT" || v == "SSD" || v == "SURFACE" ||
        v == "PROJECTION IMAGE" || v.find("MIP") != std::string::npos || v.find("RENDER") != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

CheckResult CheckDerived3d(const SeriesVolume& v, const Thresholds& t) {
  if (v.slices.empty()) return NotApplicable("derived_3d", "no slices");
  int count = 0;
  for (const SliceGeometry& g : v.slices) count += IsRendering(g.image_type);
  return Grade("derived_3d", count, t, "ImageType");
}

}  // namespace rwd::qc
