// Issue 8, point 4: free text of the overlay (60xx) and curve (50xx) groups
// that Table E.1-1 does not name (OverlayDescription (60xx,0022),
// OverlayLabel (60xx,1500), CurveDescription (50xx,0022), CurveLabel
// (50xx,2500)). Before the fix they were kept (unlisted: keep-known), so an
// identifier typed into them survived and the residue check quarantined the
// object. Now: removed (basic), cleaned (research, clean_graphics); no object
// quarantined for it, no token left, on real Debian files.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "anonymizer/header_deidentifier.h"
#include "rules/profile_loader.h"
#include "rules/rule_resolver.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

struct Planted {
  std::vector<std::string> tokens;  // the object's identifiers: none may survive
};

// The object's own name and ID, typed into the graphics groups: an overlay
// groups without their bitmap (bits in the pixel data, retired style; under
// basic an overlay whose Overlay Data goes is removed whole anyway), a curve.
Planted Plant(DicomFile& f, int n) {
  Planted p;
  const std::string family = "GRAFAM" + std::to_string(1000 + n), given = "GRAGIV" + std::to_string(1000 + n),
                    id = "GRAPID" + std::to_string(700000 + n);
  p.tokens = {family, given, id};
  DicomItem ds = f.dataset();
  REQUIRE(ds.SetString({0x0010, 0x0010}, family + "^" + given).ok());
  REQUIRE(ds.SetString({0x0010, 0x0020}, id).ok());
  const std::string text = "Marked by " + given + " " + family + " ID " + id;
  for (uint16_t g : {uint16_t{0x6000}, uint16_t{0x6002}}) {
    REQUIRE(ds.SetString({g, 0x0010}, "4").ok());  // OverlayRows
    REQUIRE(ds.SetString({g, 0x0011}, "4").ok());  // OverlayColumns
    REQUIRE(ds.SetString({g, 0x0040}, "G").ok());  // OverlayType
    REQUIRE(ds.SetString({g, 0x0050}, "1\\1").ok());
    REQUIRE(ds.SetString({g, 0x0100}, "1").ok());   // OverlayBitsAllocated
    REQUIRE(ds.SetString({g, 0x0102}, "0").ok());   // OverlayBitPosition
    REQUIRE(ds.SetString({g, 0x0022}, text.substr(0, 64)).ok());  // OverlayDescription (LO)
    REQUIRE(ds.SetString({g, 0x1500}, (family + " " + id).substr(0, 64)).ok());  // OverlayLabel (LO)
  }
  REQUIRE(ds.SetString({0x5000, 0x0022}, text.substr(0, 64)).ok());  // CurveDescription (LO)
  REQUIRE(ds.SetString({0x5000, 0x2500}, family + " " + id).ok());   // CurveLabel (LO)
  return p;
}

}  // namespace

TEST_CASE("issue 8.4: overlay and curve free text is removed or cleaned, never left, never a quarantine") {
  const std::string pyd = RWD_PYDICOM_TEST_FILES, oct = RWD_OCTAVE_IMDATA;
  const std::vector<std::string> files = {pyd + "/CT_small.dcm", pyd + "/MR_small.dcm", pyd + "/rtdose.dcm",
                                          pyd + "/SC_rgb_small_odd.dcm", oct + "/CT-MONO2-16-ankle.dcm",
                                          oct + "/US-PAL-8-10x-echo.dcm"};
  anon::KeyedIds ids(std::vector<uint8_t>(32, 3));
  int n = 0, released = 0;
  for (const char* name : {"basic.yaml", "research.yaml"}) {
    auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE(profile.ok());
    rules::RuleResolver resolver(*profile);
    const bool clean = profile->options.clean_graphics;
    // The decision itself, as `profile explain` shows it.
    for (Tag t : {Tag{0x6000, 0x0022}, Tag{0x6002, 0x1500}, Tag{0x5000, 0x0022}, Tag{0x50FE, 0x2500}}) {
      CAPTURE(t.ToString());
      CHECK(resolver.Resolve(t, "LO", "").action.kind ==
            (clean ? rules::ActionKind::kClean : rules::ActionKind::kRemove));
    }
    CHECK(resolver.Resolve({0x6000, 0x0010}, "US", "").action.kind == rules::ActionKind::kKeep);  // geometry stays
    anon::HeaderDeidentifier deid(*profile, ids);
    for (const std::string& path : files) {
      CAPTURE(std::string(name));
      CAPTURE(path);
      auto f = DicomFile::Parse(ReadBytes(path));
      REQUIRE_MESSAGE(f.ok(), "missing test data: run scripts/install-deps.sh");
      const Planted p = Plant(*f, n++);
      auto r = deid.Apply(*f);
      REQUIRE_MESSAGE(r.ok(), r.status().message());  // the residue check no longer fires
      auto bytes = f->Serialize();
      REQUIRE(bytes.ok());
      const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
      for (const std::string& t : p.tokens) CHECK_MESSAGE(text.find(t) == std::string_view::npos, t, " survives");
      // The overlays themselves stay: only their free text goes or is cleaned.
      CHECK(f->dataset().Has({0x6002, 0x0010}));
      if (clean) CHECK(f->dataset().GetString({0x6000, 0x0022}).value_or("").find("Marked by") != std::string::npos);
      ++released;
    }
  }
  CHECK(released == 2 * static_cast<int>(files.size()));
}
