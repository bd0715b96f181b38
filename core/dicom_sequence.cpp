#include "core/dicom_sequence.h"

#include <cstdlib>

#include "core/strings.h"

namespace rwd {

std::vector<DicomItem> SequenceItems(DicomItem item, Tag sequence) {
  std::vector<DicomItem> out;
  item.Walk([&](ElementRef& e) {
    if (e.tag() == sequence && e.is_sequence())
      for (size_t i = 0; i < e.NumItems(); ++i) out.push_back(e.Item(i));
    return DicomItem::Visit::kKeep;
  });
  return out;
}

std::optional<DicomItem> FirstSequenceItem(DicomItem item, Tag sequence) {
  std::optional<DicomItem> out;
  item.Walk([&](ElementRef& e) {
    if (!out && e.tag() == sequence && e.is_sequence() && e.NumItems() > 0) out = e.Item(0);
    return DicomItem::Visit::kKeep;
  });
  return out;
}

std::optional<std::vector<double>> GetNumbers(const DicomItem& item, Tag tag) {
  auto text = item.GetString(tag);
  if (!text) return std::nullopt;
  std::vector<double> values;
  std::string_view rest(*text);
  while (true) {
    const size_t cut = rest.find('\\');
    const std::string part(TrimValue(rest.substr(0, cut)));
    if (part.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (end == part.c_str() || *end != '\0') return std::nullopt;
    values.push_back(v);
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  return values;
}

std::optional<double> GetNumber(const DicomItem& item, Tag tag) {
  auto v = GetNumbers(item, tag);
  if (!v || v->empty()) return std::nullopt;
  return (*v)[0];
}

}  // namespace rwd
