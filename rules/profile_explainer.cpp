#include "rules/profile_explainer.h"

#include <cstdio>
#include <set>

#include "rules/rule_resolver.h"

namespace rwd::rules {
namespace {

std::string ActionText(const Action& a) {
  std::string s = ActionName(a.kind);
  if (!a.value.empty()) s += " \"" + a.value + "\"";
  return s;
}

ExplainRow RowFor(RuleResolver& resolver, Tag tag, const std::string& pattern, const std::string& name,
                  const std::string& creator = "") {
  const Resolution& r = resolver.Resolve(tag, DictionaryVr(tag), creator);
  ExplainRow row;
  row.tag = pattern;
  row.keyword = tag.IsPrivate() ? "" : KeywordOf(tag);
  row.name = name;
  row.base = r.base_code;
  row.option = r.option;
  row.override_origin = r.override_origin;
  row.action = ActionText(r.action);
  row.why = r.why;
  return row;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<std::string> ExplainQc(const Profile& p) {
  const QcConfig& qc = p.qc;
  std::vector<std::string> lines;
  lines.push_back(std::string("Image QC (qc:): every series is checked on its original pixels; a failing check ") +
                  (qc.on_fail == QcAction::kQuarantine ? "quarantines the series (on_fail: quarantine)"
                                                       : "flags the series, which is released (on_fail: flag)") +
                  ". Cohort-relative robust z-scores (median/MAD of the same site + scanner model + protocol) "
                  "grade the marked checks once " + std::to_string(qc.cohort_min_series) +
                  " values exist: warn at |z| >= " + Num(qc.cohort_warn_z) + ", fail at |z| >= " +
                  Num(qc.cohort_fail_z) + " in the bad direction.");
  for (const QcCheckDefault& d : QcCheckDefaults()) {
    const QcThresholds t = qc.ThresholdsFor(d.name);
    const char* op = d.direction == QcDirection::kHigherWorse ? ">= " : "< ";
    std::string s = std::string("QC check ") + d.name + " (flag " + d.flag + "): ";
    const bool warn = t.warn && !(t.fail && *t.fail == *t.warn);  // warn == fail: it only fails
    if (warn) s += "warn at " + std::string(op) + Num(*t.warn) + " " + d.unit;
    if (t.fail) s += std::string(warn ? ", " : "") + "fail at " + op + Num(*t.fail) + " " + d.unit;
    if (!t.warn && !t.fail) s += "no absolute threshold";
    if (d.cohort) s += "; cohort z";
    s += std::string("; on failure: ") + QcActionName(qc.ActionFor(d.name));
    if (auto it = qc.checks.find(std::string_view(d.name)); it != qc.checks.end()) s += " [" + it->second.origin + "]";
    lines.push_back(s + ".");
  }
  return lines;
}


std::vector<ExplainRow> ExplainProfile(const Profile& profile) {
  RuleResolver resolver(profile);
  std::vector<ExplainRow> rows;
  std::set<uint32_t> seen;
  for (const E11Row& e : E11Rows()) {
    if (e.kind == E11Kind::kPrivate) continue;
    ExplainRow row = RowFor(resolver, e.tag(), E11Pattern(e), e.name);
    if (e.kind == E11Kind::kMask) row.keyword = e.name;  // the pattern has no single keyword
    rows.push_back(std::move(row));
    if (e.kind == E11Kind::kExact) seen.insert(e.tag().key());
  }
  // Overrides that address attributes the table does not list.
  for (const Override& o : profile.rules) {
    if (o.selector.kind == Selector::Kind::kTag && !seen.count(o.selector.tag.key())) {
      rows.push_back(RowFor(resolver, o.selector.tag, o.selector.tag.ToString(), "(not in Table E.1-1)"));
      seen.insert(o.selector.tag.key());
    } else if (o.selector.kind == Selector::Kind::kMask && !FindE11Row(o.selector.tag)) {
      rows.push_back(RowFor(resolver, o.selector.tag, o.selector.ToString(), "(group mask)"));
    } else if (o.selector.kind == Selector::Kind::kPrivate) {
      const Tag t{o.selector.private_group.value_or(0x0009),
                  static_cast<uint16_t>(0x1000 | o.selector.element_offset)};
      ExplainRow row = RowFor(resolver, t, o.selector.ToString(), "private attribute", o.selector.creator);
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<ExplainRow> ExplainOne(const Profile& profile, const std::string& what) {
  std::optional<Tag> tag = Tag::Parse(what);
  if (!tag) tag = TagFromKeyword(what);
  if (!tag) return {};
  RuleResolver resolver(profile);
  const E11Row* e = FindE11Row(*tag);
  return {RowFor(resolver, *tag, tag->ToString(), e ? e->name : "(not in Table E.1-1)")};
}

std::vector<std::string> ExplainPolicy(const Profile& p) {
  std::vector<std::string> lines;
  lines.push_back(std::string("Attributes Table E.1-1 does not list: ") +
                  (p.unlisted == UnlistedPolicy::kKeepKnown
                       ? "standard attributes from the data dictionary are kept (unlisted: keep-known); "
                         "public tags not in the dictionary are removed."
                       : "removed (unlisted: remove), except file meta and group lengths."));
  lines.push_back(std::string("Instance UIDs not in the table (VR UI, not a class/syntax UID): ") +
                  (p.options.retain_uids ? "kept (retain_uids)." : "remapped to keyed 2.25 UIDs.") +
                  " UIDs the standard defines (1.2.840.10008.*, coding schemes) are never remapped.");
  lines.push_back(std::string("Private attributes: ") +
                  (p.options.retain_safe_private
                       ? "kept when (creator, group, element) is in Table E.3.10-1 (" +
                             std::to_string(SafePrivateCount()) + " entries, edition " + kSafePrivateEdition +
                             "), otherwise removed"
                       : "removed") +
                  ", unless an override keeps them; creator slots go with their blocks.");
  lines.push_back("Patient ID and Patient's Name: keyed pseudonym \"" + p.patient_id_format +
                  "\" unless an override says otherwise.");
  if (p.options.retain_longitudinal_temporal == Longitudinal::kModified)
    lines.push_back("Dates (DA, DT) marked C by the Modified Dates option: shifted by a per-patient keyed offset in [" +
                    std::to_string(p.date_shift_min_days) + ", " + std::to_string(p.date_shift_max_days) +
                    "] days; times of day and ages kept.");
  lines.push_back("Added to every released object: PatientIdentityRemoved YES, DeidentificationMethod, "
                  "DeidentificationMethodCodeSequence (CID 7050: 113100 and the options in force), "
                  "LongitudinalTemporalInformationModified.");
  lines.push_back("Safety net: an object in which an original Patient ID or name part survives in a kept "
                  "or cleaned text value is quarantined.");
  switch (p.pixels.burned_in) {
    case BurnedInMode::kQuarantineAtRisk:
      lines.push_back("Burned-in text: images at risk (BurnedInAnnotation YES; US, SC, OT, XA, ES, DOC; secondary "
                      "captures, encapsulated documents) are quarantined.");
      break;
    case BurnedInMode::kRedactAllText:
      lines.push_back("Burned-in text: every text region found in the pixels is redacted.");
      break;
    case BurnedInMode::kRedactPhi:
      lines.push_back("Burned-in text: text matching the object's identifiers or PHI patterns is redacted; "
                      "unreadable text in at-risk images is redacted too.");
      break;
  }
  lines.push_back(
      p.pixels.screen
          ? std::string("Pixel screening: on (pixels.screen) - every frame of every image is searched by the fast text "
                        "detector") +
                (p.pixels.burned_in == BurnedInMode::kQuarantineAtRisk
                     ? "; pixels are not cleaned, so an image with text found is quarantined ('burned-in text "
                       "detected; pixels not cleaned')."
                     : " before cleaning.")
          : std::string("Pixel screening: off (pixels.screen: off) - ") +
                (p.pixels.burned_in == BurnedInMode::kQuarantineAtRisk
                     ? "header triage only: an image with burned-in text but no BurnedInAnnotation flag is released."
                     : "(the cleaning mode searches every frame anyway)."));
  if (p.pixels.burned_in != BurnedInMode::kQuarantineAtRisk)
    lines.push_back(p.pixels.unsure == UnsureRegions::kLeave
                        ? "Undecided regions (not readable, not surely text) over the anatomy of a CT/MR image whose "
                          "header does not say BurnedInAnnotation YES: left, with a finding (pixels.unsure: leave)."
                        : "Undecided regions (not readable, not surely text) over the anatomy of CT/MR images: "
                          "redacted (pixels.unsure: redact).");
  for (const FilterEntry& f : p.reject) {
    std::string c;
    for (const Condition& fc : f.all_of) {
      std::string vals;
      for (const auto& v : fc.any_of) vals += (vals.empty() ? "" : "|") + v;
      c += (c.empty() ? "" : " and ") + KeywordOf(fc.tag()) + " in {" + vals + "}";
    }
    lines.push_back("Rejected: objects where " + c + " (" + f.origin + ").");
  }
  for (std::string& q : ExplainQc(p)) lines.push_back(std::move(q));
  return lines;
}

}  // namespace rwd::rules
