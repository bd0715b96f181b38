#include "anonymizer/pixel/redaction_policy.h"

#include <algorithm>
#include <cctype>
#include <regex>

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

// A technical annotation: a clock time, a number with a unit (3.0 mm,
// 120 kV, 12 fps), or a scanner parameter with its number (W 400, L 40,
// GAIN 82, TR 500).
bool Technical(const TextReading& r) {
  static const std::regex kClock(R"(\b[0-2]?[0-9]:[0-5][0-9](:[0-5][0-9])?\b)");
  static const std::regex kUnit(R"(\d\s?(KV|KVP|MA|MAS|MM|CM|HZ|KHZ|MHZ|FPS|DB|MS|SEC|DEG|%)\b)");
  static const std::regex kParameter(
      R"(\b(KV|KVP|MA|MAS|W|L|WL|WW|C|GAIN|DR|TR|TE|TI|FA|FOV|DFOV|TILT|SLICE|THK|ZOOM|DEPTH|FR|MI|TIS|TIB|NEX|ETL|BW)\s?[:=]?\s?-?\d)");
  std::string upper;
  for (char c : r.text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return std::regex_search(upper, kClock) || std::regex_search(upper, kUnit) || std::regex_search(upper, kParameter);
}

}  // namespace

bool RedactionPolicy::Neighbours(const cv::Rect& a, const cv::Rect& b) {
  const int h = std::max(a.height, b.height);
  const int gap = std::max(a.y, b.y) - std::min(a.y + a.height, b.y + b.height);
  if (gap > h) return false;  // more than about one line apart
  const bool overlap = std::min(a.x + a.width, b.x + b.width) > std::max(a.x, b.x);
  const bool aligned = std::abs(a.x - b.x) <= 2 * h || std::abs(a.x + a.width - (b.x + b.width)) <= 2 * h;
  return overlap || aligned;
}

bool RedactionPolicy::WantsSecondReading(const RegionDecision& first, const TextReading* reading) const {
  if (first.redact || config_.burned_in != rules::BurnedInMode::kRedactPhi) return false;
  if (first.reason == "undecided") return true;
  // Read confidently (80+) as no PHI: one reading is enough.
  return first.reason == "no phi" && reading && reading->confidence < 80.0f && !Technical(*reading);
}

RegionDecision RedactionPolicy::Reconsider(const RegionDecision& first, const TextReading& second,
                                           const PhiTextMatcher& phi) const {
  if (auto kind = phi.Match(second.text)) return {true, "phi: " + *kind};
  if (first.reason == "undecided" && ReadsAsText(second, config_.ocr_min_confidence)) return {true, "unreadable"};
  return first;
}

bool RedactionPolicy::JoinsLabelBlock(const TextCandidate& region, const TextReading* reading) const {
  // Any line the detector found next to a redacted identifier, sure or
  // not, legible or not: the block is one label.
  // A technical line, even read with little confidence (it matched no PHI).
  if (reading && !reading->empty() && Technical(*reading)) return false;
  return true;
}

bool RedactionPolicy::NeedsReading(const TextCandidate& region) const {
  return config_.burned_in == rules::BurnedInMode::kRedactPhi || !region.sure();
}

RegionDecision RedactionPolicy::Decide(const TextCandidate& region, const TextReading* reading,
                                       const PhiTextMatcher& phi, const RegionContext& where) const {
  const bool all_text = config_.burned_in != rules::BurnedInMode::kRedactPhi;
  if (region.sure() && (all_text || !reading)) return {true, "text"};
  if (!reading) return {false, "not read"};
  if (!region.sure()) {
    if (auto kind = phi.Match(reading->text)) return {true, "phi: " + *kind};
    const bool confident = !reading->empty() && reading->confidence >= static_cast<float>(config_.ocr_min_confidence);
    if (!confident && where.baseline_glyphs >= 5) return {true, "unreadable"};
    if (all_text && ReadsAsText(*reading, config_.ocr_min_confidence)) return {true, "text"};
    return {false, all_text ? "not text" : "no phi"};
  }
  if (auto kind = phi.Match(reading->text)) return {true, "phi: " + *kind};
  if (!reading->empty() && reading->confidence >= static_cast<float>(config_.ocr_min_confidence))
    return {false, "no phi"};
  // Strokes the detector is sure are text but that read as nothing legible
  // or nothing confident: unreadable text, fail closed; except over anatomy
  // without ink of its own, where strokes are not surely text and a box is
  // damage (issue 8.2).
  if (where.over_anatomy && !where.own_ink && where.baseline_letters < 5 && config_.unsure == rules::UnsureRegions::kLeave)
    return {false, "undecided"};
  return {true, "unreadable"};
}

}  // namespace rwd::anon::pixel
