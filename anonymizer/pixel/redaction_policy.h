#pragma once
// What to do with a text region, as the profile's pixels.burned_in says:
//   redact-all-text  every region the detector is sure of is filled; a
//                    region it is unsure of is filled when it reads as text;
//   redact-phi       regions are read; filled when the text matches the
//                    object's identifiers or a PHI pattern; a region the
//                    detector is sure of is also filled when nothing legible
//                    or nothing confident (below pixels.ocr_min_confidence)
//                    can be read in it, whatever the header triage said:
//                    fail closed. An unsure region is filled only for PHI.
// Known device regions are always filled (decided by the cleaner).
#include <string>

#include "anonymizer/pixel/phi_text_matcher.h"
#include "anonymizer/pixel/text_detector.h"
#include "anonymizer/pixel/text_reader.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {

struct RegionDecision {
  bool redact = false;
  std::string reason;  // "text", "phi: name", "unreadable", "no phi", "not text"; never the text
};

class RedactionPolicy {
 public:
  explicit RedactionPolicy(const rules::PixelsConfig& config) : config_(config) {}

  // Whether `region` must be read before Decide.
  bool NeedsReading(const TextCandidate& region) const;

  // `reading` is what was read in the region (null when !NeedsReading).
  RegionDecision Decide(const TextCandidate& region, const TextReading* reading, const PhiTextMatcher& phi) const;

 private:
  const rules::PixelsConfig& config_;
};

}  // namespace rwd::anon::pixel
