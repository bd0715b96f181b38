#include "anonymizer/deface/derived_rendering.h"

#include "core/strings.h"

namespace rwd::deface {

bool IsRenderingImageType(const std::string& image_type) {
  const std::string u = AsciiUpper(image_type);
  size_t start = 0;
  int index = 0;
  while (start <= u.size()) {
    const size_t end = std::min(u.find('\\', start), u.size());
    const std::string v(TrimValue(std::string_view(u).substr(start, end - start)));
    // Vendors prefix their terms: Siemens writes a console MIP as
    // PROJECTION IMAGE\CSA MIP (the QC check derived_3d reads them alike).
    if (index >= 2 && (v == "VOLUME" || v == "3D" || v == "VR" || v == "VRT" || v == "SSD" || v == "SURFACE" ||
                       v == "PROJECTION IMAGE" || v.find("MIP") != std::string::npos ||
                       v.find("RENDER") != std::string::npos))
      return true;
    start = end + 1;
    ++index;
  }
  return false;
}

std::string DerivedHeadRendering(const SeriesVolume& v, bool study_has_head) {
  for (const SliceGeometry& s : v.slices)
    if (IsRenderingImageType(s.image_type)) return "derived rendering (ImageType (0008,0008) VOLUME/MIP/3D) shows the face";
  const bool sc = v.facts.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0;
  const std::string part = AsciiUpper(v.facts.body_part);
  const bool head_part = part == "HEAD" || part == "BRAIN" || part == "SKULL" || part == "FACE";
  if (sc && (head_part || study_has_head)) return "secondary capture of a head study may show the face";
  return "";
}

}  // namespace rwd::deface
