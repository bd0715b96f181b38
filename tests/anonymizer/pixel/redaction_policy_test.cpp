// RedactionPolicy: what each mode does with sure and unsure regions and
// what was read in them.
#include "anonymizer/pixel/redaction_policy.h"

#include <doctest/doctest.h>

using namespace rwd;
using namespace rwd::anon;
using namespace rwd::anon::pixel;

namespace {

TextReading Reading(const std::string& text, float confidence) {
  TextReading r;
  std::string word;
  for (char c : text + " ") {
    if (c != ' ') {
      word.push_back(c);
    } else if (!word.empty()) {
      r.words.push_back({word, confidence, {}});
      word.clear();
    }
  }
  r.text = text;
  r.confidence = r.words.empty() ? 0.0f : confidence;
  return r;
}

TextCandidate Region(bool sure) {
  TextCandidate c;
  c.box = {10, 10, 100, 12};
  c.score = sure ? 0.9 : 0.25;
  return c;
}

}  // namespace

TEST_CASE("redact-all-text fills what the detector is sure of, and what reads as text") {
  rules::PixelsConfig config;
  config.burned_in = rules::BurnedInMode::kRedactAllText;
  const RedactionPolicy policy(config);
  const PhiTextMatcher phi{PhiTerms{}};
  CHECK_FALSE(policy.NeedsReading(Region(true)));
  CHECK(policy.Decide(Region(true), nullptr, phi).redact);
  CHECK(policy.NeedsReading(Region(false)));
  const TextReading text = Reading("GAIN 82 DR 60", 91), noise = Reading("ifd ball", 40), empty;
  CHECK(policy.Decide(Region(false), &text, phi).redact);
  CHECK_FALSE(policy.Decide(Region(false), &noise, phi).redact);
  CHECK_FALSE(policy.Decide(Region(false), &empty, phi).redact);
}

TEST_CASE("redact-phi fills PHI, and sure regions it cannot read; keeps the rest") {
  rules::PixelsConfig config;
  config.burned_in = rules::BurnedInMode::kRedactPhi;
  config.ocr_min_confidence = 50;
  const RedactionPolicy policy(config);
  PhiTerms terms;
  terms.names = {"DOE^JANE"};
  const PhiTextMatcher phi(terms);
  CHECK(policy.NeedsReading(Region(true)));
  const TextReading name = Reading("DOE JANE", 90), other = Reading("kV 120 mA 200", 90),
                    unsure = Reading("kV 120 mA 200", 30), empty;
  RegionDecision d = policy.Decide(Region(true), &name, phi);
  CHECK(d.redact);
  CHECK(d.reason == "phi: name");
  CHECK_FALSE(policy.Decide(Region(true), &other, phi).redact);
  d = policy.Decide(Region(true), &unsure, phi);
  CHECK(d.redact);
  CHECK(d.reason == "unreadable");
  CHECK(policy.Decide(Region(true), &empty, phi).redact);  // fail closed
  // Unsure regions: only PHI.
  CHECK(policy.Decide(Region(false), &name, phi).redact);
  CHECK_FALSE(policy.Decide(Region(false), &unsure, phi).redact);
  CHECK_FALSE(policy.Decide(Region(false), &empty, phi).redact);
  // Reasons never carry the text.
  CHECK(d.reason.find("kV") == std::string::npos);
}

TEST_CASE("issue 8.2: unreadable strokes over CT/MR anatomy are undecided and left, unless pixels.unsure: redact") {
  rules::PixelsConfig config;
  config.burned_in = rules::BurnedInMode::kRedactPhi;
  const PhiTextMatcher phi{PhiTerms{}};
  const TextReading garbage = Reading("Ew 08", 41), empty;
  RegionContext anatomy;
  anatomy.over_anatomy = true;
  RegionContext ink = anatomy;
  ink.own_ink = true;
  {
    const RedactionPolicy leave(config);
    for (const TextReading* r : {&garbage, &empty}) {
      const RegionDecision d = leave.Decide(Region(true), r, phi, anatomy);
      CHECK_FALSE(d.redact);
      CHECK(d.reason == "undecided");
      CHECK(leave.Decide(Region(true), r, phi, ink).redact);  // its own ink: surely text, fail closed
      CHECK(leave.Decide(Region(true), r, phi, {}).redact);   // not over anatomy: fail closed
    }
  }
  config.unsure = rules::UnsureRegions::kRedact;
  const RedactionPolicy redact(config);
  CHECK(redact.Decide(Region(true), &garbage, phi, anatomy).redact);
}

TEST_CASE("issue 8.1: a line next to a redacted identifier joins its label block unless it is technical") {
  rules::PixelsConfig config;
  config.burned_in = rules::BurnedInMode::kRedactPhi;
  const RedactionPolicy policy(config);
  const TextReading institution = Reading("St Lioba Klinikum", 88), technical = Reading("kV 120 mA 200", 35),
                    clock = Reading("11:24:58", 90);
  CHECK(policy.JoinsLabelBlock(Region(true), &institution));
  CHECK_FALSE(policy.JoinsLabelBlock(Region(true), &technical));
  CHECK_FALSE(policy.JoinsLabelBlock(Region(true), &clock));
  CHECK(policy.JoinsLabelBlock(Region(false), nullptr));  // any line found next to it, even unsure
  // Neighbours: about one line apart, overlapping or aligned.
  CHECK(RedactionPolicy::Neighbours({10, 10, 100, 12}, {10, 26, 60, 12}));
  CHECK(RedactionPolicy::Neighbours({10, 10, 100, 12}, {300, 26, 60, 12}) == false);
  CHECK_FALSE(RedactionPolicy::Neighbours({10, 10, 100, 12}, {10, 60, 100, 12}));
}

TEST_CASE("issue 8.1: glyphs of one ink on one baseline make text that reads as nothing confident surely text") {
  rules::PixelsConfig config;
  config.burned_in = rules::BurnedInMode::kRedactPhi;
  config.ocr_min_confidence = 50;
  const RedactionPolicy policy(config);
  const PhiTextMatcher phi{PhiTerms{}};
  const TextReading garbage = Reading("WAIT", 0), confident = Reading("AXIAL", 91);
  RegionContext five, four;
  five.baseline_glyphs = five.baseline_letters = 5;
  four.baseline_glyphs = four.baseline_letters = 4;
  // An unsure region: five separate glyphs, read as nothing confident.
  CHECK(policy.Decide(Region(false), &garbage, phi, five).reason == "unreadable");
  CHECK_FALSE(policy.Decide(Region(false), &garbage, phi, four).redact);
  CHECK_FALSE(policy.Decide(Region(false), &confident, phi, five).redact);  // read confidently: no PHI
  // A sure region over anatomy without ink of its own: five letters (touching bold ones count) make it text.
  RegionContext anatomy_five = five, anatomy_four = four;
  anatomy_five.over_anatomy = anatomy_four.over_anatomy = true;
  anatomy_five.baseline_glyphs = 0;  // one blob of touching letters
  CHECK(policy.Decide(Region(true), &garbage, phi, anatomy_five).reason == "unreadable");
  CHECK(policy.Decide(Region(true), &garbage, phi, anatomy_four).reason == "undecided");
}
