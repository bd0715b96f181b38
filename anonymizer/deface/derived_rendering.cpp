#include "anonymizer/deface/derived_rendering.h"

#include "core/rendering.h"
#include "core/strings.h"

namespace rwd::deface {

std::string DerivedHeadRendering(const SeriesVolume& v, bool study_has_head) {
  const BodyRegion region = RegionOf(v.facts);
  if (region == BodyRegion::kAwayFromHead) return "";  // an ankle's rendering shows no face
  for (const SliceGeometry& s : v.slices)
    if (IsRenderingImageType(s.image_type)) return "derived rendering (ImageType (0008,0008) VOLUME/MIP/3D) shows the face";
  const bool sc = v.facts.sop_class_uid.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0;
  if (sc && (region == BodyRegion::kHead || study_has_head)) return "secondary capture of a head study may show the face";
  return "";
}

}  // namespace rwd::deface
