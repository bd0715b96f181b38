// KnownRegions: the converted community libraries load, match devices by
// their header, and stay in step with their sources; a profile's own regions.
#include "anonymizer/pixel/known_regions.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;
using namespace rwd::anon::pixel;

namespace {

HeaderValue Header(std::map<uint32_t, std::string> values) {
  return [values = std::move(values)](Tag t) -> std::optional<std::string> {
    auto it = values.find(t.key());
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}
constexpr uint32_t Key(uint16_t g, uint16_t e) { return (static_cast<uint32_t>(g) << 16) | e; }
constexpr uint32_t kSopClass = Key(0x0008, 0x0016);
const char* kUsMultiframe = "1.2.840.10008.5.1.4.1.1.3.1";
const char* kCtImage = "1.2.840.10008.5.1.4.1.1.2";

bool HasBox(const std::vector<const KnownRegionRule*>& rules, int x, int y, int w, int h) {
  for (const KnownRegionRule* r : rules)
    for (const rules::PixelRegion& b : r->boxes)
      if (b.x == x && b.y == y && b.width == w && b.height == h) return true;
  return false;
}

}  // namespace

TEST_CASE("the converted library loads with boxes and where each rule came from") {
  const KnownRegions& library = KnownRegions::Library();
  CHECK(library.size() >= 100);
  CHECK(&library == &KnownRegions::Library());  // built once
  // A header that matches nothing gets nothing.
  CHECK(library.Match(Header({{Key(0x0008, 0x0060), "CT"}, {Key(0x0008, 0x0070), "NOBODY"}})).empty());
}

TEST_CASE("devices are matched by manufacturer, model, size and modality, ignoring case") {
  const KnownRegions& library = KnownRegions::Library();
  // Philips iU22, 480 rows: the top banner (CTP: (0,0,640,47)).
  auto iu22 = library.Match(Header({{kSopClass, kUsMultiframe},
                                    {Key(0x0008, 0x0060), "US"},
                                    {Key(0x0008, 0x0070), "Philips Medical Systems"},
                                    {Key(0x0008, 0x1090), "iu22"},
                                    {Key(0x0028, 0x0010), "480"},
                                    {Key(0x0028, 0x0011), "640"}}));
  REQUIRE_FALSE(iu22.empty());
  CHECK(HasBox(iu22, 0, 0, 640, 47));
  CHECK(iu22.front()->origin.find("CTP") != std::string::npos);
  // The same model at another size is another rule (or none).
  auto other =
      library.Match(Header({{kSopClass, kUsMultiframe}, {Key(0x0008, 0x0060), "US"}, {Key(0x0008, 0x1090), "iU22"},
                            {Key(0x0028, 0x0010), "600"}}));
  CHECK_FALSE(HasBox(other, 0, 0, 640, 47));
  CHECK(HasBox(other, 0, 0, 800, 59));
  // Mindray is recognised by the file meta header's implementation name.
  auto mindray = library.Match(
      Header({{kSopClass, kUsMultiframe}, {Key(0x0008, 0x0060), "US"}, {Key(0x0002, 0x0013), "MINDRAY_1.0"}}));
  CHECK(HasBox(mindray, 0, 0, 1229, 69));
  // A deid rule (corner pairs converted to x, y, width, height).
  auto lightspeed = library.Match(Header({{kSopClass, kCtImage},
                                          {Key(0x0008, 0x0060), "CT"},
                                          {Key(0x0008, 0x1090), "LightSpeed VCT"},
                                          {Key(0x0008, 0x0008), "DERIVED\\SECONDARY\\SCREEN SAVE"}}));
  CHECK(HasBox(lightspeed, 0, 0, 512, 121));
}

TEST_CASE("issue 8.2: library rules apply only to the SOP classes and geometries they were written for") {
  const KnownRegions& library = KnownRegions::Library();
  // A GE dose report screen (secondary capture, 512 x 512) gets its box ...
  const std::map<uint32_t, std::string> dose_screen = {{kSopClass, "1.2.840.10008.5.1.4.1.1.7"},
                                                       {Key(0x0008, 0x0060), "CT"},
                                                       {Key(0x0008, 0x0070), "GE MEDICAL SYSTEMS"},
                                                       {Key(0x0008, 0x103E), "Dose Report"},
                                                       {Key(0x0008, 0x0008), "DERIVED\\SECONDARY"},
                                                       {Key(0x0028, 0x0010), "512"},
                                                       {Key(0x0028, 0x0011), "512"}};
  CHECK(HasBox(library.Match(Header(dose_screen)), 0, 0, 512, 110));
  // ... so does the same screen stored as a derived CT image ...
  auto derived_ct = dose_screen;
  derived_ct[kSopClass] = kCtImage;
  CHECK(HasBox(library.Match(Header(derived_ct)), 0, 0, 512, 110));
  // ... but not an RT Dose grid whose description says so, nor an acquired
  // low-dose CT slice, nor an MR localizer, nor a screen of another size.
  auto rt_dose = dose_screen;
  rt_dose[kSopClass] = "1.2.840.10008.5.1.4.1.1.481.2";
  rt_dose[Key(0x0008, 0x0060)] = "RTDOSE";
  CHECK(library.Match(Header(rt_dose)).empty());
  auto low_dose_ct = derived_ct;
  low_dose_ct[Key(0x0008, 0x0008)] = "ORIGINAL\\PRIMARY\\AXIAL";
  low_dose_ct[Key(0x0008, 0x103E)] = "LOW DOSE CHEST";
  CHECK(library.Match(Header(low_dose_ct)).empty());
  CHECK(library
            .Match(Header({{kSopClass, "1.2.840.10008.5.1.4.1.1.4"},
                           {Key(0x0008, 0x0060), "MR"},
                           {Key(0x0008, 0x103E), "localizer"},
                           {Key(0x0008, 0x0008), "ORIGINAL\\PRIMARY\\M"}}))
            .empty());
  auto small = dose_screen;
  small[Key(0x0028, 0x0010)] = small[Key(0x0028, 0x0011)] = "128";
  CHECK(library.Match(Header(small)).empty());
}

TEST_CASE("a profile's regions: substrings for manufacturer and model, exact size and modality") {
  std::vector<rules::DeviceRegions> regions(1);
  regions[0].manufacturer = "acme";
  regions[0].model = "sono";
  regions[0].rows = 600;
  regions[0].modality = "US";
  regions[0].boxes = {{0, 0, 800, 40}, {700, 560, 100, 40}};
  regions[0].origin = "pixels.regions[0] (line 12)";
  const KnownRegions profile = KnownRegions::FromProfile(regions);
  auto hit = profile.Match(Header({{Key(0x0008, 0x0060), "US"},
                                   {Key(0x0008, 0x0070), "ACME Imaging"},
                                   {Key(0x0008, 0x1090), "SonoStar 5"},
                                   {Key(0x0028, 0x0010), "600"}}));
  REQUIRE(hit.size() == 1);
  CHECK(hit[0]->boxes.size() == 2);
  CHECK(hit[0]->origin == "pixels.regions[0] (line 12)");
  CHECK(profile
            .Match(Header({{Key(0x0008, 0x0060), "US"},
                           {Key(0x0008, 0x0070), "ACME Imaging"},
                           {Key(0x0008, 0x1090), "SonoStar 5"},
                           {Key(0x0028, 0x0010), "768"}}))
            .empty());
  CHECK(profile.Match(Header({{Key(0x0008, 0x0060), "CT"}})).empty());
}

TEST_CASE("the committed library is what the converter makes of the shared sources") {
  const std::string sources = std::string(RWD_SHARED_DIR) + "/burned-in-regions";
  if (!std::filesystem::exists(sources) || RunShell("python3 --version").exit_code != 0) {
    MESSAGE("skipped: no ", sources, " or no python3");
    return;
  }
  TempDir tmp;
  const std::string out = tmp.File("known_regions.inc");
  CommandResult r =
      RunShell("python3 " + Quote(std::string(RWD_SOURCE_DIR) + "/anonymizer/pixel/tools/convert_regions.py") + " " +
               Quote(sources) + " " + Quote(out));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(ReadText(out) == ReadText(std::string(RWD_SOURCE_DIR) + "/anonymizer/pixel/data/known_regions.inc"));
  const std::string text = ReadText(out);
  CHECK(text.find("RSNA CTP") != std::string::npos);  // attribution kept
  CHECK(text.find("Vanessa Sochat, MIT License") != std::string::npos);
}
