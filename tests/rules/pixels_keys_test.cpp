// Issue 8: pixels.screen (on | off) and pixels.unsure (leave | redact) load
// strictly like every other key, and `profile explain` says which is in
// force; the shipped profiles screen.
#include <doctest/doctest.h>

#include <string>

#include "rules/profile_explainer.h"
#include "rules/profile_loader.h"

using namespace rwd;
using namespace rwd::rules;

namespace {
bool ExplainSays(const Profile& p, const std::string& part) {
  for (const std::string& line : ExplainPolicy(p))
    if (line.find(part) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("issue 8: pixels.screen and pixels.unsure are validated and explained") {
  auto defaults = ParseProfile("name: x\n", "p.yaml");
  REQUIRE(defaults.ok());
  CHECK(defaults->pixels.screen);
  CHECK(defaults->pixels.unsure == UnsureRegions::kLeave);
  CHECK(ExplainSays(*defaults, "Pixel screening: on"));

  auto off = ParseProfile("name: x\npixels:\n  screen: off\n", "p.yaml");
  REQUIRE(off.ok());
  CHECK_FALSE(off->pixels.screen);
  CHECK(ExplainSays(*off, "Pixel screening: off"));

  auto redact = ParseProfile(
      "name: x\noptions: {clean_pixel_data: true}\npixels: {burned_in: redact-phi, unsure: redact, screen: on}\n",
      "p.yaml");
  REQUIRE(redact.ok());
  CHECK(redact->pixels.unsure == UnsureRegions::kRedact);
  CHECK(ExplainSays(*redact, "pixels.unsure: redact"));

  auto bad = ParseProfile("name: x\npixels:\n  screen: sometimes\n  unsure: guess\n", "p.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("p.yaml:3:11: pixels.screen must be on or off") != std::string::npos);
  CHECK(bad.status().message().find("p.yaml:4:11: pixels.unsure must be leave or redact") != std::string::npos);

  for (const char* name : {"basic.yaml", "research.yaml", "retain-uids.yaml"}) {
    CAPTURE(std::string(name));
    auto p = LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name);
    REQUIRE(p.ok());
    CHECK(p->pixels.screen);
    CHECK(ExplainSays(*p, "Pixel screening: on"));
  }
}
