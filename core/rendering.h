#pragma once
// Derived renderings (volume renderings, MIPs, surface shadings) and the
// body region a series shows: what QC (derived_3d) and defacing (the face
// in a rendering) both decide by, in one place.
#include <string>
#include <string_view>

#include "core/series_volume.h"

namespace rwd {

// True when an ImageType (0008,0008) names a rendering or projection (PS3.3
// C.7.6.1.1.2, C.8.16.1): VOLUME, 3D, VR/VRT, SSD, SURFACE, PROJECTION
// IMAGE, a *MIP* term (MIP, MINIP, CSA MIP) or a *RENDER* term, as value 3
// or later, or as value 2 after DERIVED. MPR (reformatted slices) is not one.
bool IsRenderingImageType(std::string_view image_type);

enum class BodyRegion {
  kUnknown,       // nothing says where: may be a head
  kHead,          // a term of the head or neck (or the whole body)
  kAwayFromHead,  // only terms of regions a head is never in (limbs, abdomen, pelvis)
};

// The region the series' BodyPartExamined, study and series descriptions
// and protocol name name. A head term anywhere wins; a term is matched as a
// whole word, a head term also inside a longer one (HEADNECK, SURFACE: the
// error that way is the safe one).
BodyRegion RegionOf(const SeriesFacts& facts);

}  // namespace rwd
