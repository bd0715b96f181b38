#include "core/rendering.h"

#include <cctype>
#include <vector>

#include "core/strings.h"

namespace rwd {
namespace {

std::vector<std::string> Values(std::string_view image_type) {
  std::vector<std::string> out;
  const std::string u = AsciiUpper(image_type);
  size_t start = 0;
  while (start <= u.size()) {
    const size_t end = std::min(u.find('\\', start), u.size());
    out.emplace_back(TrimValue(std::string_view(u).substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

bool IsRenderingTerm(const std::string& v) {
  return v == "VOLUME" || v == "3D" || v == "VR" || v == "VRT" || v == "SSD" || v == "SURFACE" ||
         v == "PROJECTION IMAGE" || v.find("MIP") != std::string::npos || v.find("RENDER") != std::string::npos;
}

// CID 4031 body parts, their compounds, and the words descriptions use.
constexpr std::string_view kHeadTerms[] = {
    "HEAD",    "BRAIN",   "SKULL",    "FACE",     "FACIAL",  "NECK",     "ORBIT",   "SINUS",   "NEURO",
    "CRANI",   "CEREBR",  "CSPINE",   "CERVICAL", "MANDIBL", "MAXILL",   "DENTAL",  "TEETH",   "JAW",
    "TMJ",     "NOSE",    "NASAL",    "EAR",      "IAC",     "PETROUS",  "TEMPORAL", "PITUITAR", "SELLA",
    "CAROTID", "WILLIS",  "THYROID",  "LARYNX",   "PHARYN",  "PAROTID",  "EYE",     "OCULAR",  "SCALP",
    "WHOLE",   "TOTAL",   "WB",       "BODY",     "TOF"};
constexpr std::string_view kAwayTerms[] = {
    "ANKLE",    "FOOT",     "FEET",     "TOE",      "TOES",    "CALCANEUS", "HEEL",    "KNEE",    "KNEES",
    "TIBIA",    "FIBULA",   "LEG",      "LEGS",     "FEMUR",   "THIGH",     "HIP",     "HIPS",    "PELVIS",
    "ABDOMEN",  "ABD",      "ABDOMINAL", "LIVER",   "KIDNEY",  "KIDNEYS",   "RENAL",   "LUMBAR",  "LSPINE",
    "SACRUM",   "HAND",     "HANDS",    "FINGER",   "FINGERS", "WRIST",     "FOREARM", "ELBOW",   "HUMERUS",
    "PROSTATE", "BLADDER",  "COLON",    "UTERUS",   "EXTREMITY", "LOWEREXTREMITY", "UPPEREXTREMITY", "ABDOMENPELVIS"};

}  // namespace

bool IsRenderingImageType(std::string_view image_type) {
  const std::vector<std::string> v = Values(image_type);
  for (size_t i = 1; i < v.size(); ++i)
    if ((i >= 2 || v[0] == "DERIVED") && IsRenderingTerm(v[i])) return true;
  return false;
}

BodyRegion RegionOf(const SeriesFacts& facts) {
  bool away = false;
  for (const std::string* text : {&facts.body_part, &facts.study_description, &facts.series_description,
                                  &facts.protocol_name}) {
    const std::string u = AsciiUpper(*text);
    size_t i = 0;
    while (i < u.size()) {
      while (i < u.size() && !std::isalnum(static_cast<unsigned char>(u[i]))) ++i;
      size_t j = i;
      while (j < u.size() && std::isalnum(static_cast<unsigned char>(u[j]))) ++j;
      const std::string_view word = std::string_view(u).substr(i, j - i);
      i = j;
      if (word.empty()) continue;
      for (std::string_view t : kHeadTerms)
        if (t.size() <= 3 ? word == t : word.find(t) != std::string_view::npos) return BodyRegion::kHead;
      for (std::string_view t : kAwayTerms) away = away || word == t;
    }
  }
  return away ? BodyRegion::kAwayFromHead : BodyRegion::kUnknown;
}

}  // namespace rwd
