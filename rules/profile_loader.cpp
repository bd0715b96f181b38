#include "rules/profile_loader.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/crypto.h"

namespace rwd::rules {
namespace {

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  void Error(const YAML::Node& at, const std::string& msg) {
    const YAML::Mark m = at.Mark();
    std::ostringstream s;
    s << file_;
    if (m.line >= 0) s << ":" << m.line + 1 << ":" << m.column + 1;
    s << ": " << msg;
    errors_.push_back(s.str());
  }
  const std::vector<std::string>& errors() const { return errors_; }

  // Checks that `node` is a map whose keys are all in `allowed`.
  bool CheckMap(const YAML::Node& node, const std::string& what, const std::set<std::string>& allowed) {
    if (!node.IsMap()) {
      Error(node, what + " must be a mapping");
      return false;
    }
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Error(kv.first, "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
    return true;
  }

  std::optional<std::string> Str(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      Error(n, what + " must be a string");
      return std::nullopt;
    }
    return n.Scalar();
  }
  std::optional<bool> Bool(const YAML::Node& n, const std::string& what) {
    bool b;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) {
      Error(n, what + " must be true or false");
      return std::nullopt;
    }
    return b;
  }
  std::optional<int> Int(const YAML::Node& n, const std::string& what) {
    int v;
    if (!n.IsScalar() || !YAML::convert<int>::decode(n, v)) {
      Error(n, what + " must be an integer");
      return std::nullopt;
    }
    return v;
  }

  void Options(const YAML::Node& n, ProfileOptions& o) {
    static const std::set<std::string> kKeys = {
        "retain_safe_private", "retain_uids", "retain_device_identity",
        "retain_institution_identity", "retain_patient_characteristics",
        "retain_longitudinal_temporal", "clean_descriptors", "clean_structured_content",
        "clean_graphics", "clean_pixel_data", "clean_recognizable_visual_features"};
    if (!CheckMap(n, "options", kKeys)) return;
    auto flag = [&](const char* key, bool& out) {
      if (n[key]) if (auto b = Bool(n[key], std::string("options.") + key)) out = *b;
    };
    flag("retain_safe_private", o.retain_safe_private);
    flag("retain_uids", o.retain_uids);
    flag("retain_device_identity", o.retain_device_identity);
    flag("retain_institution_identity", o.retain_institution_identity);
    flag("retain_patient_characteristics", o.retain_patient_characteristics);
    flag("clean_descriptors", o.clean_descriptors);
    flag("clean_structured_content", o.clean_structured_content);
    flag("clean_graphics", o.clean_graphics);
    flag("clean_pixel_data", o.clean_pixel_data);
    flag("clean_recognizable_visual_features", o.clean_recognizable_visual_features);
    if (const YAML::Node l = n["retain_longitudinal_temporal"]) {
      const std::string v = l.IsScalar() ? l.Scalar() : "";
      // YAML reads a bare `off` as the boolean false: accept both spellings.
      if (v == "off" || v == "false") o.retain_longitudinal_temporal = Longitudinal::kOff;
      else if (v == "full") o.retain_longitudinal_temporal = Longitudinal::kFull;
      else if (v == "modified") o.retain_longitudinal_temporal = Longitudinal::kModified;
      else Error(l, "options.retain_longitudinal_temporal must be off, full or modified");
    }
  }

  std::optional<Selector> ParseSelector(const YAML::Node& rule, const std::string& where) {
    Selector s;
    int count = 0;
    if (rule["tag"]) {
      ++count;
      auto text = Str(rule["tag"], where + ".tag");
      if (!text) return std::nullopt;
      if (!ParseTagOrMask(*text, s)) {
        Error(rule["tag"], where + ".tag '" + *text + "' is not a tag like (0010,0020) or a mask like (60xx,3000)");
        return std::nullopt;
      }
    }
    if (rule["keyword"]) {
      ++count;
      auto kw = Str(rule["keyword"], where + ".keyword");
      if (!kw) return std::nullopt;
      auto tag = TagFromKeyword(*kw);
      if (!tag) {
        Error(rule["keyword"], where + ".keyword '" + *kw + "' is not in the DICOM data dictionary");
        return std::nullopt;
      }
      s.kind = Selector::Kind::kTag;
      s.tag = *tag;
    }
    if (rule["private"]) {
      ++count;
      auto creator = Str(rule["private"], where + ".private");
      if (!creator) return std::nullopt;
      s.kind = Selector::Kind::kPrivate;
      s.creator = *creator;
      while (!s.creator.empty() && s.creator.back() == ' ') s.creator.pop_back();
      if (!rule["element"]) {
        Error(rule, where + " has private: but no element: (the low byte, e.g. \"10\")");
        return std::nullopt;
      }
      auto el = Str(rule["element"], where + ".element");
      if (!el) return std::nullopt;
      std::string e = *el;
      if (e.size() == 4 && (e[0] == 'x' || e[0] == 'X') && (e[1] == 'x' || e[1] == 'X')) e = e.substr(2);
      if (e.size() != 2 || !std::isxdigit(static_cast<unsigned char>(e[0])) ||
          !std::isxdigit(static_cast<unsigned char>(e[1]))) {
        Error(rule["element"], where + ".element must be two hex digits (the low byte), e.g. \"10\" or \"xx10\"");
        return std::nullopt;
      }
      s.element_offset = static_cast<uint8_t>(std::stoi(e, nullptr, 16));
      if (rule["group"]) {
        auto g = Str(rule["group"], where + ".group");
        auto t = g ? Tag::Parse(*g + "0000") : std::nullopt;
        if (!t || !(t->group & 1)) {
          Error(rule["group"], where + ".group must be an odd hex group such as \"0029\"");
          return std::nullopt;
        }
        s.private_group = t->group;
      }
    } else {
      for (const char* k : {"element", "group"})
        if (rule[k]) Error(rule[k], where + "." + k + " only goes with private:");
    }
    if (count != 1) {
      Error(rule, where + " must name exactly one of tag:, keyword: or private:");
      return std::nullopt;
    }
    return s;
  }

  static bool ParseTagOrMask(const std::string& text, Selector& s) {
    static const std::regex kRe(R"(^\(?([0-9A-Fa-fXx]{4}),?([0-9A-Fa-fXx]{4})\)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, kRe)) return false;
    auto parse = [](const std::string& part, uint16_t& value, uint16_t& mask) {
      value = 0;
      mask = 0;
      for (char c : part) {
        value <<= 4;
        mask <<= 4;
        if (c == 'x' || c == 'X') continue;
        mask |= 0xF;
        value |= static_cast<uint16_t>(std::stoi(std::string(1, c), nullptr, 16));
      }
    };
    parse(m[1], s.tag.group, s.group_mask);
    parse(m[2], s.tag.element, s.element_mask);
    s.kind = (s.group_mask == 0xFFFF && s.element_mask == 0xFFFF) ? Selector::Kind::kTag
                                                                  : Selector::Kind::kMask;
    return true;
  }

  void Rules(const YAML::Node& n, Profile& p) {
    if (!n.IsSequence()) {
      Error(n, "rules must be a list");
      return;
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node r = n[i];
      const std::string where = "rules[" + std::to_string(i) + "]";
      if (!CheckMap(r, where, {"tag", "keyword", "private", "element", "group", "action", "value", "why"}))
        continue;
      auto sel = ParseSelector(r, where);
      if (!r["action"]) {
        Error(r, where + " has no action:");
        continue;
      }
      auto name = Str(r["action"], where + ".action");
      if (!name) continue;
      auto kind = ParseActionName(*name);
      if (!kind) {
        Error(r["action"], where + ".action '" + *name +
                               "' is unknown (keep, remove, empty, dummy, clean, uid, shift, pseudonym, replace, hash)");
        continue;
      }
      Action a{*kind, ""};
      if (r["value"]) {
        auto v = Str(r["value"], where + ".value");
        if (v) a.value = *v;
        if (*kind != ActionKind::kReplace && *kind != ActionKind::kPseudonym)
          Error(r["value"], where + ".value only goes with action replace or pseudonym");
      } else if (*kind == ActionKind::kReplace) {
        Error(r, where + " action replace needs value:");
      }
      if (*kind == ActionKind::kPseudonym && !a.value.empty()) CheckFormat(r["value"], a.value);
      if (sel) p.rules.push_back({*sel, a, where + " (line " + std::to_string(r.Mark().line + 1) + ")"});
    }
  }

  void CheckFormat(const YAML::Node& at, const std::string& format) {
    static const std::regex kRe(R"(^[A-Za-z0-9 ._\-^]*\{hmac:([0-9]+)\}[A-Za-z0-9 ._\-^]*$)");
    std::smatch m;
    if (!std::regex_match(format, m, kRe) || std::stoi(m[1]) < 6 || std::stoi(m[1]) > 32)
      Error(at, "pseudonym format '" + format +
                    "' must contain one {hmac:N} with N from 6 to 32, and only letters, digits, space, . _ - ^ around it");
  }

  void Filter(const YAML::Node& n, Profile& p) {
    if (!CheckMap(n, "filter", {"reject"})) return;
    const YAML::Node r = n["reject"];
    if (!r) return;
    if (!r.IsSequence()) {
      Error(r, "filter.reject must be a list of conditions such as {Modality: [SR, PR]}");
      return;
    }
    for (size_t i = 0; i < r.size(); ++i) {
      const std::string where = "filter.reject[" + std::to_string(i) + "]";
      if (!r[i].IsMap() || r[i].size() == 0) {
        Error(r[i], where + " must be a mapping of keyword to value(s)");
        continue;
      }
      FilterEntry entry;
      entry.origin = where + " (line " + std::to_string(r[i].Mark().line + 1) + ")";
      for (const auto& kv : r[i]) {
        const std::string keyword = kv.first.Scalar();
        auto tag = TagFromKeyword(keyword);
        if (!tag) {
          Error(kv.first, where + ": '" + keyword + "' is not a DICOM keyword");
          continue;
        }
        Condition c{tag->group, tag->element, Condition::Op::kEquals, {}};
        if (kv.second.IsScalar()) c.any_of.push_back(kv.second.Scalar());
        else if (kv.second.IsSequence())
          for (const auto& v : kv.second) {
            if (auto s = Str(v, where + "." + keyword)) c.any_of.push_back(*s);
          }
        else Error(kv.second, where + "." + keyword + " must be a value or a list of values");
        entry.all_of.push_back(std::move(c));
      }
      p.reject.push_back(std::move(entry));
    }
  }

  // CSV "patient_id,pseudonym" (a header line with those names is allowed),
  // relative to the profile's folder. Values are never echoed in errors.
  void Lookup(const YAML::Node& at, const std::string& file, rules::Profile& p) {
    namespace fs = std::filesystem;
    fs::path path(file);
    if (path.is_relative()) path = fs::path(file_).parent_path() / path;
    std::ifstream in(path);
    if (!in) {
      Error(at, "pseudonym.lookup: cannot read " + path.string());
      return;
    }
    p.lookup_file = path.string();
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      const size_t comma = line.find(',');
      auto trim = [](std::string s) {
        while (!s.empty() && s.back() == ' ') s.pop_back();
        while (!s.empty() && s.front() == ' ') s.erase(s.begin());
        return s;
      };
      const std::string id = comma == std::string::npos ? "" : trim(line.substr(0, comma));
      const std::string code = comma == std::string::npos ? "" : trim(line.substr(comma + 1));
      if (n == 1 && id == "patient_id") continue;
      if (id.empty() || code.empty() || code.find_first_of(",\\/") != std::string::npos || code.size() > 64) {
        errors_.push_back(path.string() + ":" + std::to_string(n) +
                          ": expected 'patient_id,pseudonym' (pseudonym: 1-64 characters, no comma, slash or backslash)");
        continue;
      }
      if (!p.lookup.emplace(id, code).second)
        errors_.push_back(path.string() + ":" + std::to_string(n) + ": this patient ID is listed twice");
    }
  }

  // pixels.screen (on | off) and pixels.unsure (leave | redact). YAML 1.1
  // reads bare on/off as booleans: both spellings are accepted.
  void PixelsScreening(const YAML::Node& n, PixelsConfig& px) {
    if (const YAML::Node s = n["screen"]) {
      const std::string v = s.IsScalar() ? s.Scalar() : "";
      if (v == "on" || v == "true") px.screen = true;
      else if (v == "off" || v == "false") px.screen = false;
      else Error(s, "pixels.screen must be on or off");
    }
    if (const YAML::Node u = n["unsure"]) {
      const std::string v = u.IsScalar() ? u.Scalar() : "";
      if (v == "leave") px.unsure = UnsureRegions::kLeave;
      else if (v == "redact") px.unsure = UnsureRegions::kRedact;
      else Error(u, "pixels.unsure must be leave or redact");
    }
  }

  void Pixels(const YAML::Node& n, rules::Profile& p) {
    if (!CheckMap(n, "pixels", {"burned_in", "margin", "ocr_min_confidence", "regions", "screen", "unsure"})) return;
    PixelsConfig& px = p.pixels;
    PixelsScreening(n, px);
    if (n["burned_in"]) {
      auto s = Str(n["burned_in"], "pixels.burned_in");
      if (s && *s == "quarantine-at-risk") px.burned_in = BurnedInMode::kQuarantineAtRisk;
      else if (s && *s == "redact-all-text") px.burned_in = BurnedInMode::kRedactAllText;
      else if (s && *s == "redact-phi") px.burned_in = BurnedInMode::kRedactPhi;
      else if (s) Error(n["burned_in"], "pixels.burned_in must be quarantine-at-risk, redact-all-text or redact-phi");
      if (px.burned_in != BurnedInMode::kQuarantineAtRisk && !p.options.clean_pixel_data)
        Error(n["burned_in"], "pixels.burned_in '" + *s + "' cleans pixels: set options.clean_pixel_data: true");
    }
    if (n["margin"])
      if (auto v = Int(n["margin"], "pixels.margin")) {
        if (*v < 0 || *v > 64) Error(n["margin"], "pixels.margin must be 0..64 pixels");
        else px.margin = *v;
      }
    if (n["ocr_min_confidence"])
      if (auto v = Int(n["ocr_min_confidence"], "pixels.ocr_min_confidence")) {
        if (*v < 0 || *v > 100) Error(n["ocr_min_confidence"], "pixels.ocr_min_confidence must be 0..100");
        else px.ocr_min_confidence = *v;
      }
    if (const YAML::Node r = n["regions"]) {
      if (!r.IsSequence()) {
        Error(r, "pixels.regions must be a list");
        return;
      }
      for (size_t i = 0; i < r.size(); ++i) {
        const std::string where = "pixels.regions[" + std::to_string(i) + "]";
        if (!CheckMap(r[i], where, {"manufacturer", "model", "modality", "rows", "columns", "boxes"})) continue;
        DeviceRegions d;
        d.origin = where + " (line " + std::to_string(r[i].Mark().line + 1) + ")";
        if (r[i]["manufacturer"]) if (auto s = Str(r[i]["manufacturer"], where + ".manufacturer")) d.manufacturer = *s;
        if (r[i]["model"]) if (auto s = Str(r[i]["model"], where + ".model")) d.model = *s;
        if (r[i]["modality"]) if (auto s = Str(r[i]["modality"], where + ".modality")) d.modality = *s;
        if (r[i]["rows"]) if (auto v = Int(r[i]["rows"], where + ".rows")) d.rows = *v;
        if (r[i]["columns"]) if (auto v = Int(r[i]["columns"], where + ".columns")) d.columns = *v;
        const YAML::Node b = r[i]["boxes"];
        if (!b || !b.IsSequence() || b.size() == 0) {
          Error(r[i], where + " needs boxes: [[x, y, width, height], ...]");
          continue;
        }
        for (size_t j = 0; j < b.size(); ++j) {
          std::vector<int> v;
          if (b[j].IsSequence() && b[j].size() == 4)
            for (size_t k = 0; k < 4; ++k)
              if (auto x = Int(b[j][k], where + ".boxes")) v.push_back(*x);
          if (v.size() != 4 || v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0) {
            Error(b[j], where + ".boxes[" + std::to_string(j) + "] must be [x, y, width, height] with positive size");
            continue;
          }
          d.boxes.push_back({v[0], v[1], v[2], v[3]});
        }
        px.regions.push_back(std::move(d));
      }
    }
  }

  // The qc: section (rules/qc_config.h). Check names come from the shipped
  // table; thresholds must keep the order of the check's direction.
  std::optional<double> Number(const YAML::Node& n, const std::string& what) {
    double v;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
      Error(n, what + " must be a number");
      return std::nullopt;
    }
    return v;
  }

  std::optional<QcAction> QcActionValue(const YAML::Node& n, const std::string& what, bool allow_ignore) {
    auto s = Str(n, what);
    if (s && *s == "flag") return QcAction::kFlag;
    if (s && *s == "quarantine") return QcAction::kQuarantine;
    if (s && *s == "ignore" && allow_ignore) return QcAction::kIgnore;
    if (s) Error(n, what + " must be flag" + std::string(allow_ignore ? ", quarantine or ignore" : " or quarantine"));
    return std::nullopt;
  }

  void QcCheck(const std::string& name, const YAML::Node& key, const YAML::Node& n, QcConfig& qc) {
    const std::string where = "qc.checks." + name;
    const QcCheckDefault* d = FindQcCheck(name);
    if (!d) {
      std::string list;
      for (const QcCheckDefault& c : QcCheckDefaults()) list += (list.empty() ? "" : ", ") + std::string(c.name);
      Error(key, "unknown check '" + name + "' in qc.checks (expected one of: " + list + ")");
      return;
    }
    if (!CheckMap(n, where, {"action", "warn", "fail"})) return;
    QcCheckOverride o;
    o.origin = where + " (line " + std::to_string(n.Mark().line + 1) + ")";
    if (n["action"]) o.action = QcActionValue(n["action"], where + ".action", true);
    if (n["warn"]) o.warn = Number(n["warn"], where + ".warn");
    if (n["fail"]) o.fail = Number(n["fail"], where + ".fail");
    QcConfig probe;
    probe.checks[name] = o;
    const QcThresholds t = probe.ThresholdsFor(name);
    if (t.warn && t.fail) {
      const bool higher = d->direction == QcDirection::kHigherWorse;
      if (higher ? *t.warn > *t.fail : *t.warn < *t.fail)
        Error(n, where + ": warn must be " + (higher ? "at most" : "at least") + " fail (" + d->name +
                     (higher ? ": higher values are worse)" : ": lower values are worse)"));
    }
    qc.checks[name] = std::move(o);
  }

  void Qc(const YAML::Node& n, rules::Profile& p) {
    if (!CheckMap(n, "qc", {"on_fail", "cohort", "checks"})) return;
    QcConfig& qc = p.qc;
    qc.configured = true;
    if (n["on_fail"])
      if (auto a = QcActionValue(n["on_fail"], "qc.on_fail", false)) qc.on_fail = *a;
    if (const YAML::Node c = n["cohort"]; c && CheckMap(c, "qc.cohort", {"min_series", "warn_z", "fail_z"})) {
      if (c["min_series"])
        if (auto v = Int(c["min_series"], "qc.cohort.min_series")) {
          if (*v < 5) Error(c["min_series"], "qc.cohort.min_series must be at least 5");
          else qc.cohort_min_series = *v;
        }
      if (c["warn_z"]) if (auto v = Number(c["warn_z"], "qc.cohort.warn_z")) qc.cohort_warn_z = *v;
      if (c["fail_z"]) if (auto v = Number(c["fail_z"], "qc.cohort.fail_z")) qc.cohort_fail_z = *v;
      if (qc.cohort_warn_z <= 0 || qc.cohort_fail_z < qc.cohort_warn_z)
        Error(c, "qc.cohort needs 0 < warn_z <= fail_z");
    }
    if (const YAML::Node c = n["checks"]) {
      if (!c.IsMap()) {
        Error(c, "qc.checks must be a mapping of check name to {action, warn, fail}");
        return;
      }
      for (const auto& kv : c) QcCheck(kv.first.Scalar(), kv.first, kv.second, qc);
    }
  }

  void Profile(const YAML::Node& root, rules::Profile& p) {
    if (!CheckMap(root, "the profile",
                  {"name", "base", "options", "pseudonym", "date_shift_days", "rules", "filter",
                   "unlisted", "pixels", "qc", "gate"}))
      return;
    if (!root["name"]) Error(root, "the profile has no name:");
    else if (auto s = Str(root["name"], "name")) p.name = *s;
    if (root["base"]) {
      auto b = Str(root["base"], "base");
      const std::string edition = std::string("ps3.15-") + kE11Edition;
      if (b && *b != "ps3.15" && *b != edition)
        Error(root["base"], "base '" + *b + "' is unknown: this version has ps3.15 (= " + edition + ")");
    }
    if (root["options"]) Options(root["options"], p.options);
    if (const YAML::Node ps = root["pseudonym"];
        ps && CheckMap(ps, "pseudonym", {"key_file", "patient_id", "lookup", "lookup_missing"})) {
      if (ps["key_file"]) if (auto s = Str(ps["key_file"], "pseudonym.key_file")) p.key_file = *s;
      if (ps["patient_id"])
        if (auto s = Str(ps["patient_id"], "pseudonym.patient_id")) {
          CheckFormat(ps["patient_id"], *s);
          p.patient_id_format = *s;
        }
      if (ps["lookup"])
        if (auto s = Str(ps["lookup"], "pseudonym.lookup")) Lookup(ps["lookup"], *s, p);
      if (ps["lookup_missing"]) {
        auto s = Str(ps["lookup_missing"], "pseudonym.lookup_missing");
        if (s && *s == "quarantine") p.lookup_missing_quarantines = true;
        else if (s && *s == "keyed") p.lookup_missing_quarantines = false;
        else if (s) Error(ps["lookup_missing"], "pseudonym.lookup_missing must be quarantine or keyed");
      }
    }
    if (const YAML::Node d = root["date_shift_days"]) {
      if (!d.IsSequence() || d.size() != 2) {
        Error(d, "date_shift_days must be [min, max] in days, e.g. [-365, -30]");
      } else {
        auto lo = Int(d[0], "date_shift_days[0]"), hi = Int(d[1], "date_shift_days[1]");
        if (lo && hi) {
          if (*lo > *hi || *lo < -36500 || *hi > 36500)
            Error(d, "date_shift_days needs min <= max, both within +-36500");
          else if (*lo == 0 && *hi == 0)
            Error(d, "date_shift_days [0, 0] would not shift; turn retain_longitudinal_temporal to full instead");
          else {
            p.date_shift_min_days = *lo;
            p.date_shift_max_days = *hi;
          }
        }
      }
    }
    if (root["rules"]) Rules(root["rules"], p);
    if (root["filter"]) Filter(root["filter"], p);
    if (const YAML::Node u = root["unlisted"]) {
      auto s = Str(u, "unlisted");
      if (s && *s == "keep-known") p.unlisted = UnlistedPolicy::kKeepKnown;
      else if (s && *s == "remove") p.unlisted = UnlistedPolicy::kRemove;
      else if (s) Error(u, "unlisted must be keep-known or remove");
    }
    if (root["pixels"]) Pixels(root["pixels"], p);
    if (root["qc"]) Qc(root["qc"], p);
    if (root["gate"]) Gate(root["gate"], p);
  }

  // gate: {extra_terms_file: FILE}: one term per line (UTF-8; '#' starts a
  // comment line; a term with '^' is a person name), relative to the
  // profile's folder. Terms are never echoed in errors.
  void Gate(const YAML::Node& n, rules::Profile& p) {
    if (!CheckMap(n, "gate", {"extra_terms_file"})) return;
    if (!n["extra_terms_file"]) return;
    auto file = Str(n["extra_terms_file"], "gate.extra_terms_file");
    if (!file) return;
    std::filesystem::path path(*file);
    if (path.is_relative()) path = std::filesystem::path(file_).parent_path() / path;
    std::ifstream in(path);
    if (!in) {
      Error(n["extra_terms_file"], "gate.extra_terms_file: cannot read " + path.string());
      return;
    }
    p.gate.extra_terms_file = path.string();
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t start = line.find_first_not_of(" \t"), end = line.find_last_not_of(" \t");
      if (start == std::string::npos || line[start] == '#') continue;
      const std::string term = line.substr(start, end - start + 1);
      if (term.size() < 3) {
        errors_.push_back(path.string() + ":" + std::to_string(number) +
                          ": a gate term needs at least 3 characters (shorter ones would match everywhere)");
        continue;
      }
      p.gate.extra_terms.push_back(term);
    }
  }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace

Result<Profile> ParseProfile(std::string_view text, const std::string& name_for_errors) {
  Profile p;
  Loader loader(name_for_errors);
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) {
      return Status::Error(ErrorCode::kProfileError, name_for_errors + ": the profile is empty");
    }
    loader.Profile(root, p);
  } catch (const YAML::Exception& e) {
    std::ostringstream s;
    s << name_for_errors << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": YAML syntax: " << e.msg;
    return Status::Error(ErrorCode::kProfileError, s.str());
  }
  if (!loader.errors().empty()) {
    std::string msg;
    for (const auto& e : loader.errors()) msg += (msg.empty() ? "" : "\n") + e;
    return Status::Error(ErrorCode::kProfileError, msg);
  }
  p.source_path = name_for_errors;
  p.sha256 = Sha256Hex(text);
  return p;
}

Result<Profile> LoadProfile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(ErrorCode::kProfileError, path + ": cannot read the profile file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseProfile(ss.str(), path);
}

}  // namespace rwd::rules
