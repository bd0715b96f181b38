#include "gateway/object_facts.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/strings.h"

namespace rwd::gateway {
namespace {

// A DS/IS value "a\b\c" as numbers; nullopt unless exactly `n` numbers.
template <size_t N>
std::optional<std::array<double, N>> Numbers(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::array<double, N> out{};
  size_t i = 0;
  std::string_view s = *v;
  while (true) {
    const size_t cut = s.find('\\');
    const std::string part(TrimValue(s.substr(0, cut)));
    if (i >= N || part.empty()) return std::nullopt;
    try {
      size_t used = 0;
      out[i++] = std::stod(part, &used);
      if (used != part.size()) return std::nullopt;
    } catch (...) {
      return std::nullopt;
    }
    if (cut == std::string_view::npos) break;
    s.remove_prefix(cut + 1);
  }
  if (i != N) return std::nullopt;
  return out;
}

std::optional<double> Number(const std::optional<std::string>& v) {
  auto n = Numbers<1>(v);
  return n ? std::optional<double>((*n)[0]) : std::nullopt;
}

template <size_t N>
void Put(nlohmann::json& j, const char* key, const std::optional<std::array<double, N>>& v) {
  if (v) j[key] = *v;
}

template <size_t N>
std::optional<std::array<double, N>> Get(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_array() || j[key].size() != N) return std::nullopt;
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) {
    if (!j[key][i].is_number()) return std::nullopt;
    out[i] = j[key][i].get<double>();
  }
  return out;
}

}  // namespace

ObjectFacts ObjectFacts::From(const DicomFile& file) {
  const DicomItem ds = file.dataset();
  ObjectFacts f;
  f.position = Numbers<3>(ds.GetString({0x0020, 0x0032}));
  f.orientation = Numbers<6>(ds.GetString({0x0020, 0x0037}));
  f.pixel_spacing = Numbers<2>(ds.GetString({0x0028, 0x0030}));
  f.slice_thickness = Number(ds.GetString({0x0018, 0x0050}));
  f.gantry_tilt = Number(ds.GetString({0x0018, 0x1120}));
  if (auto n = Number(ds.GetString({0x0020, 0x0013}))) f.instance_number = static_cast<int>(*n);
  f.rows = static_cast<int>(Number(ds.GetString({0x0028, 0x0010})).value_or(0));
  f.columns = static_cast<int>(Number(ds.GetString({0x0028, 0x0011})).value_or(0));
  f.frames = std::max(1, static_cast<int>(Number(ds.GetString({0x0028, 0x0008})).value_or(1)));
  f.image_type = std::string(TrimValue(ds.GetString({0x0008, 0x0008}).value_or("")));
  f.frame_of_reference = std::string(TrimValue(ds.GetString({0x0020, 0x0052}).value_or("")));
  return f;
}

std::string ObjectFacts::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  Put(j, "ipp", position);
  Put(j, "iop", orientation);
  Put(j, "ps", pixel_spacing);
  if (slice_thickness) j["st"] = *slice_thickness;
  if (gantry_tilt) j["gt"] = *gantry_tilt;
  if (instance_number) j["in"] = *instance_number;
  j["rows"] = rows;
  j["cols"] = columns;
  j["frames"] = frames;
  if (!image_type.empty()) j["it"] = image_type;
  if (!frame_of_reference.empty()) j["for"] = frame_of_reference;
  if (pixel_regions_redacted) j["redacted"] = pixel_regions_redacted;
  if (pixels_changed) j["changed"] = true;
  if (!qc_group.empty()) j["qcg"] = qc_group;
  // Values come from a de-identified header and may hold any bytes: never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ObjectFacts ObjectFacts::FromJson(const std::string& text) {
  ObjectFacts f;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return f;
  try {
  f.position = Get<3>(j, "ipp");
  f.orientation = Get<6>(j, "iop");
  f.pixel_spacing = Get<2>(j, "ps");
  if (j.contains("st") && j["st"].is_number()) f.slice_thickness = j["st"].get<double>();
  if (j.contains("gt") && j["gt"].is_number()) f.gantry_tilt = j["gt"].get<double>();
  if (j.contains("in") && j["in"].is_number_integer()) f.instance_number = j["in"].get<int>();
  f.rows = j.value("rows", 0);
  f.columns = j.value("cols", 0);
  f.frames = j.value("frames", 1);
  f.image_type = j.value("it", std::string());
  f.frame_of_reference = j.value("for", std::string());
  f.pixel_regions_redacted = j.value("redacted", 0);
  f.pixels_changed = j.value("changed", false);
  f.qc_group = j.value("qcg", std::string());
  } catch (const nlohmann::json::exception&) {
    return ObjectFacts{};
  }
  return f;
}

}  // namespace rwd::gateway
