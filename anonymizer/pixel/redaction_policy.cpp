#include "anonymizer/pixel/redaction_policy.h"

#include <algorithm>
#include <cctype>

namespace rwd::anon::pixel {
namespace {

// A reading that is text, not noise read as letters: every word read
// confidently, one of them of three letters or digits or more.
bool ReadsAsText(const TextReading& r, int min_confidence) {
  if (r.empty() || r.confidence < static_cast<float>(std::max(60, min_confidence))) return false;
  for (const ReadWord& w : r.words) {
    int alnum = 0;
    for (char c : w.text) alnum += std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (alnum >= 3) return true;
  }
  return false;
}

}  // namespace

bool RedactionPolicy::NeedsReading(const TextCandidate& region) const {
  return config_.burned_in == rules::BurnedInMode::kRedactPhi || !region.sure();
}

RegionDecision RedactionPolicy::Decide(const TextCandidate& region, const TextReading* reading,
                                       const PhiTextMatcher& phi) const {
  const bool all_text = config_.burned_in != rules::BurnedInMode::kRedactPhi;
  if (region.sure() && (all_text || !reading)) return {true, "text"};
  if (!reading) return {false, "not read"};
  if (!region.sure()) {
    if (auto kind = phi.Match(reading->text)) return {true, "phi: " + *kind};
    if (all_text && ReadsAsText(*reading, config_.ocr_min_confidence)) return {true, "text"};
    return {false, all_text ? "not text" : "no phi"};
  }
  // Strokes the detector is sure are text but that read as nothing legible:
  // unreadable text. Fail closed.
  if (reading->empty()) return {true, "unreadable"};
  if (auto kind = phi.Match(reading->text)) return {true, "phi: " + *kind};
  if (reading->confidence < static_cast<float>(config_.ocr_min_confidence)) return {true, "unreadable"};
  return {false, "no phi"};
}

}  // namespace rwd::anon::pixel
