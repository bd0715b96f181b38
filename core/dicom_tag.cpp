#include "core/dicom_tag.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dctag.h>

#include <cstdio>

namespace rwd {
namespace {
std::optional<uint16_t> ParseHex4(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  uint16_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = static_cast<uint16_t>(v * 16 + d);
  }
  return v;
}
}  // namespace

std::optional<Tag> Tag::Parse(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != '(' && c != ')' && c != ',' && c != ' ') s.push_back(c);
  if (s.size() != 8) return std::nullopt;
  auto g = ParseHex4(std::string_view(s).substr(0, 4));
  auto e = ParseHex4(std::string_view(s).substr(4, 4));
  if (!g || !e) return std::nullopt;
  return Tag{*g, *e};
}

std::string Tag::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "(%04X,%04X)", group, element);
  return buf;
}

std::optional<Tag> TagFromKeyword(std::string_view keyword) {
  if (keyword.empty()) return std::nullopt;
  std::string k(keyword);
  const DcmDataDictionary& dict = dcmDataDict.rdlock();
  const DcmDictEntry* e = dict.findEntry(k.c_str());
  std::optional<Tag> out;
  if (e && !e->isRepeating()) out = Tag{e->getGroup(), e->getElement()};
  dcmDataDict.rdunlock();
  return out;
}

std::string KeywordOf(Tag tag) {
  DcmTag t(tag.group, tag.element);
  const char* name = t.getTagName();
  if (!name || std::string_view(name) == DcmTag_ERROR_TagName) return "";
  return name;
}

std::string DictionaryVr(Tag tag) {
  DcmTag t(tag.group, tag.element);
  if (t.getEVR() == EVR_UNKNOWN) return "";
  return t.getVR().getValidVRName();
}

}  // namespace rwd
