#pragma once
// What to do with a text region, as the profile's pixels.burned_in says:
//   redact-all-text  every region the detector is sure of is filled; a
//                    region it is unsure of is filled when it reads as text;
//   redact-phi       regions are read; filled when the text matches the
//                    object's identifiers or a PHI pattern; a region the
//                    detector is sure of is also filled when nothing legible
//                    or nothing confident (below pixels.ocr_min_confidence)
//                    can be read in it, whatever the header triage said:
//                    fail closed. An unsure region is filled for PHI, or
//                    when it reads as nothing confident and five separate
//                    glyphs of one ink stand on its baseline (any mode).
//                    Exceptions (issue 8): a sure region read as nothing
//                    legible over the anatomy of a CT/MR image without a
//                    burned-in flag is "undecided" and left (pixels.unsure:
//                    leave), unless five glyphs of one ink stand on its
//                    baseline (then it is text: unreadable, filled); a line
//                    kept next to a redacted or unreadable one is part of
//                    its label block and filled, unless technical.
// Known device regions are always filled (decided by the cleaner).
#include <string>

#include "anonymizer/pixel/phi_text_matcher.h"
#include "anonymizer/pixel/text_detector.h"
#include "anonymizer/pixel/text_reader.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {

struct RegionDecision {
  bool redact = false;
  // "text", "phi: name", "unreadable", "no phi", "not text", "undecided"
  // (left over anatomy), "label block" (next to a redacted line; the cleaner
  // also fills "label block (same ink)" lines it finds by their ink); never
  // the text
  std::string reason;
};

// Where a region lies, for the regions that cannot be decided by reading.
struct RegionContext {
  // Over the anatomy of a CT/MR image whose header does not say
  // BurnedInAnnotation YES: a region read as nothing legible or nothing
  // confident there is not surely text (anatomy looks like strokes) unless
  // its ink is its own; if not, it is left with a finding unless
  // pixels.unsure: redact.
  bool over_anatomy = false;
  // The region's strokes have one intensity of their own, rare around them:
  // rendered text, however faint (anatomy has no such ink). Over anatomy,
  // what makes a region surely text.
  bool own_ink = false;
  // Letters of the region's ink on one baseline along its row
  // (BaselineGlyphs, ink_extent.h; for a line found by its ink alone, the
  // glyphs or fragment groups that found it, ink_lines.h), for a region read
  // as nothing confident: five separate glyphs make an unsure region surely text, five
  // letters (bold ones touching) make a sure one over anatomy text of its
  // own ink; either is then unreadable text, filled.
  int baseline_glyphs = 0;
  int baseline_letters = 0;
};

class RedactionPolicy {
 public:
  explicit RedactionPolicy(const rules::PixelsConfig& config) : config_(config) {}

  // Whether `region` must be read before Decide.
  bool NeedsReading(const TextCandidate& region) const;

  // `reading` is what was read in the region (null when !NeedsReading).
  RegionDecision Decide(const TextCandidate& region, const TextReading* reading, const PhiTextMatcher& phi,
                        const RegionContext& where = {}) const;

  // A kept line that deserves a second reading, of its own intensity
  // isolated (the cleaner does it): undecided regions, and lines read as no
  // PHI below confidence 80 that are not technical (the first reading may
  // have missed a name).
  bool WantsSecondReading(const RegionDecision& first, const TextReading* reading) const;
  // The decision after the second reading: PHI in it is filled; an
  // undecided region that reads as text there is surely text, filled as
  // unreadable; otherwise the first decision stands.
  RegionDecision Reconsider(const RegionDecision& first, const TextReading& second, const PhiTextMatcher& phi) const;

  // Whether a line that was kept ("no phi", "undecided", "not text")
  // joins a redacted neighbour's label block: text next to a
  // redacted identifier is part of the same block (a patient banner's
  // institution or comment line), unless it reads as a technical line
  // (kV, mA, W/L, gain, mm, a clock time).
  bool JoinsLabelBlock(const TextCandidate& region, const TextReading* reading) const;
  // Whether two line boxes are neighbours in one block: about one line apart,
  // overlapping or left-aligned horizontally.
  static bool Neighbours(const cv::Rect& a, const cv::Rect& b);

 private:
  const rules::PixelsConfig& config_;
};

}  // namespace rwd::anon::pixel
