#pragma once
// Derived renderings of a head show the face directly (a volume rendering,
// a MIP, a screenshot of a 3D view): they cannot be defaced, only kept back
// (issue 10: the PS3.15 E.3.2 Clean Recognizable Visual Features Option
// cannot be applied to them).
#include <string>

#include "core/series_volume.h"

namespace rwd::deface {

// The reason a series is a derived rendering of a head, or "" when it is
// not: any slice with a rendering ImageType (core/rendering.h); a Secondary
// Capture (SOP class 1.2.840.10008.5.1.4.1.1.7*) when the body part or a
// description says head or when the caller knows the study holds a head
// (`study_has_head`). Neither when the series names only regions away from
// the head (RegionOf).
std::string DerivedHeadRendering(const SeriesVolume& volume, bool study_has_head);

}  // namespace rwd::deface
