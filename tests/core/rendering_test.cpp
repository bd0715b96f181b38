// core/rendering: which images are renderings, and which region a series
// names (the two facts QC's derived_3d and defacing decide renderings by).
#include "core/rendering.h"

#include <doctest/doctest.h>

namespace rwd {
namespace {

BodyRegion Region(std::string body_part, std::string study = "", std::string series = "", std::string protocol = "") {
  SeriesFacts f;
  f.body_part = std::move(body_part);
  f.study_description = std::move(study);
  f.series_description = std::move(series);
  f.protocol_name = std::move(protocol);
  return RegionOf(f);
}

TEST_CASE("renderings by ImageType: value 3 on, or value 2 after DERIVED") {
  CHECK(IsRenderingImageType("DERIVED\\SECONDARY\\3D"));
  CHECK(IsRenderingImageType("derived\\secondary\\volume "));
  CHECK(IsRenderingImageType("DERIVED\\MIP"));
  CHECK(IsRenderingImageType("ORIGINAL\\PRIMARY\\VOLUME_RENDER"));
  // Siemens console MIP (nibabel's slicethickness_empty_string.dcm).
  CHECK(IsRenderingImageType("DERIVED\\SECONDARY\\PROJECTION IMAGE\\CSA MIP\\\\CSAPARALLEL\\M\\ND\\NORM"));
  CHECK_FALSE(IsRenderingImageType("VOLUME\\MIP"));  // value 1 is not a rendering term
  CHECK_FALSE(IsRenderingImageType("ORIGINAL\\MIP"));
  CHECK_FALSE(IsRenderingImageType("DERIVED\\SECONDARY\\MPR"));
  CHECK_FALSE(IsRenderingImageType(""));
}

TEST_CASE("body region: a head term anywhere wins, limbs and abdomen only when nothing else is said") {
  CHECK(Region("") == BodyRegion::kUnknown);
  CHECK(Region("CHEST") == BodyRegion::kUnknown);  // a chest scan may reach the chin
  CHECK(Region("ANKLE") == BodyRegion::kAwayFromHead);
  CHECK(Region("", "RT ANKLE") == BodyRegion::kAwayFromHead);
  CHECK(Region("", "", "Knee left, 3D") == BodyRegion::kAwayFromHead);
  CHECK(Region("ABDOMENPELVIS") == BodyRegion::kAwayFromHead);
  CHECK(Region("HEADNECK") == BodyRegion::kHead);      // inside a compound
  CHECK(Region("BRAIN", "RT ANKLE") == BodyRegion::kHead);
  CHECK(Region("", "", "", "TOF_3D_multi-slab") == BodyRegion::kHead);
  CHECK(Region("", "WHOLEBODY PET") == BodyRegion::kHead);  // a whole body holds the head
  CHECK(Region("FOOT", "", "SURFACE") == BodyRegion::kHead);  // the safe error: FACE inside a word
  CHECK(Region("", "LEGACY") == BodyRegion::kUnknown);        // LEG only as a whole word
}

}  // namespace
}  // namespace rwd
