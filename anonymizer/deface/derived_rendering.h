#pragma once
// Derived renderings of a head show the face directly (a volume rendering,
// a MIP, a screenshot of a 3D view): they cannot be defaced, only kept back
// (issue 10: the PS3.15 E.3.2 Clean Recognizable Visual Features Option
// cannot be applied to them).
#include <string>

#include "core/series_volume.h"

namespace rwd::deface {

// True when a slice's ImageType (PS3.3 C.7.6.1.1.2; value 3 and beyond) says
// VOLUME, 3D, VR/VRT, SSD, SURFACE, PROJECTION IMAGE, a *MIP* (MIP, MINIP,
// CSA MIP) or a *RENDER* term.
bool IsRenderingImageType(const std::string& image_type);

// The reason a series is a derived rendering of a head, or "" when it is
// not: any slice with a rendering ImageType; a Secondary Capture (SOP class
// 1.2.840.10008.5.1.4.1.1.7*) when the body part says head or when the
// caller knows the study holds a head (`study_has_head`).
std::string DerivedHeadRendering(const SeriesVolume& volume, bool study_has_head);

}  // namespace rwd::deface
