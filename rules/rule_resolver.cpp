#include "rules/rule_resolver.h"

namespace rwd::rules {
namespace {

bool IsClassLikeUid(Tag tag) {
  // UIDs that name a class, syntax or scheme, not an instance: never remapped
  // whatever their value (a vendor's private SOP class must stay readable).
  const std::string kw = KeywordOf(tag);
  for (const char* suffix : {"ClassUID", "SyntaxUID", "SchemeUID", "ContextName", "TemplateUID"})
    if (kw.size() >= std::string_view(suffix).size() &&
        kw.compare(kw.size() - std::string_view(suffix).size(), std::string::npos, suffix) == 0)
      return true;
  return kw == "ImplementationClassUID" || kw == "CodingSchemeUID" || kw == "ContextGroupExtensionCreatorUID";
}

// Free-text value representations: what a person can type a name into.
bool IsFreeTextVr(std::string_view vr) {
  return vr == "LO" || vr == "SH" || vr == "ST" || vr == "LT" || vr == "UT" || vr == "UC" || vr == "PN";
}

// Overlay (60xx) and curve (50xx) groups: repeating groups whose text
// attributes (OverlayDescription (60xx,0022), OverlayLabel (60xx,1500),
// CurveDescription (50xx,0022), ...) are free text an operator types, yet
// Table E.1-1 names only Overlay Data, Overlay Comments and Curve Data.
bool IsGraphicsGroup(uint16_t group) {
  const uint16_t base = group & 0xFF00;
  return (base == 0x6000 || base == 0x5000) && (group & 1) == 0;
}

}  // namespace

RuleResolver::RuleResolver(const Profile& profile) : profile_(profile) {
  for (const Override& o : profile.rules)
    if (o.selector.kind == Selector::Kind::kPrivate) has_private_overrides_ = true;
}

ActionKind RuleResolver::CodeToAction(std::string_view code, std::string_view option_column) {
  if (code == "K") return ActionKind::kKeep;
  if (code == "C") {
    // The Modified Dates column's C means "modify", i.e. shift (PS3.15 E.3.6).
    return option_column == E11OptionName(E11Option::kRetainLongitudinalModifiedDates)
               ? ActionKind::kShift
               : ActionKind::kClean;
  }
  if (code == "X") return ActionKind::kRemove;
  if (code == "Z" || code == "X/Z") return ActionKind::kEmpty;
  if (code == "D" || code == "X/D" || code == "Z/D" || code == "X/Z/D") return ActionKind::kDummy;
  if (code == "U" || code == "X/Z/U*") return ActionKind::kUid;
  return ActionKind::kRemove;  // unknown code: fail closed
}

std::string RuleResolver::ApplyOptions(const E11Row& row, const ProfileOptions& options,
                                       std::string* option_used) {
  // When several active options name the row, a clean/modify (C) wins over a
  // keep (K): the conservative choice.
  std::string code = row.basic, used;
  bool have_c = false;
  for (int i = 0; i < kE11OptionCount; ++i) {
    const auto opt = static_cast<E11Option>(i);
    const std::string_view cell = row.options[i];
    if (cell.empty() || !options.Active(opt)) continue;
    if (cell == "C" && !have_c) {
      code = "C";
      used = E11OptionName(opt);
      have_c = true;
    } else if (cell == "K" && used.empty()) {
      code = "K";
      used = E11OptionName(opt);
    }
  }
  if (option_used) *option_used = used;
  return code;
}

const Override* RuleResolver::FindOverride(Tag tag, std::string_view creator) const {
  for (const Override& o : profile_.rules)
    if (o.selector.Matches(tag, creator)) return &o;
  return nullptr;
}

const Resolution& RuleResolver::Resolve(Tag tag, std::string_view vr, std::string_view creator) {
  if (tag.IsPrivate() && !tag.IsPrivateCreator() && tag.element > 0xFF) {
    scratch_ = ResolvePrivate(tag, creator);
    return scratch_;
  }
  const uint64_t key = (static_cast<uint64_t>(tag.key()) << 16) |
                       (vr.size() == 2 ? (static_cast<uint8_t>(vr[0]) << 8 | static_cast<uint8_t>(vr[1])) : 0);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(key, ResolvePublic(tag, vr)).first->second;
}

Resolution RuleResolver::ResolvePublic(Tag tag, std::string_view vr) const {
  Resolution r;
  const E11Row* row = FindE11Row(tag);
  if (row) {
    r.base_code = row->basic;
    std::string option;
    const std::string code = ApplyOptions(*row, profile_.options, &option);
    r.option = option;
    r.action.kind = CodeToAction(code, option);
    r.why = "Table E.1-1 " + std::string(row->basic) + (option.empty() ? "" : ", " + option + " -> " + code);
  } else if (tag.IsPrivate()) {
    // Creator slots and odd groups 0001-0007, 0009-... element < 0x10.
    r.action.kind = ActionKind::kRemove;
    r.why = "private creator or invalid private tag: removed unless its block is kept";
  } else if (tag.group == 0x0002 || tag.element == 0x0000) {
    r.action.kind = ActionKind::kKeep;
    r.why = tag.group == 0x0002 ? "file meta information: rebuilt on write" : "group length: recalculated";
  } else if (IsGraphicsGroup(tag.group) && IsFreeTextVr(vr)) {
    // Not named by Table E.1-1, treated like its Overlay Comments (X, C under
    // Clean Graphics, PS3.15 E.3.3): removed, cleaned when graphics are.
    const bool clean = profile_.options.clean_graphics;
    r.action.kind = clean ? ActionKind::kClean : ActionKind::kRemove;
    if (clean) r.option = E11OptionName(E11Option::kCleanGraphics);
    r.why = std::string("not in Table E.1-1, free text of an overlay/curve group: ") +
            (clean ? "cleaned (clean_graphics)" : "removed, like Overlay Comments");
  } else if (vr == "UI" && !IsClassLikeUid(tag)) {
    r.action.kind = profile_.options.retain_uids ? ActionKind::kKeep : ActionKind::kUid;
    r.why = "not in Table E.1-1, an instance UID: " +
            std::string(profile_.options.retain_uids ? "kept (retain_uids)" : "remapped like every UID");
  } else if (profile_.unlisted == UnlistedPolicy::kKeepKnown && !KeywordOf(tag).empty()) {
    r.action.kind = ActionKind::kKeep;
    r.why = "not in Table E.1-1, a standard attribute: kept (unlisted: keep-known)";
  } else {
    r.action.kind = ActionKind::kRemove;
    r.why = KeywordOf(tag).empty() ? "not in the data dictionary: removed"
                                   : "not in Table E.1-1: removed (unlisted: remove)";
  }
  // Patient ID and name carry the keyed pseudonym unless an override says otherwise.
  if (tag == Tag{0x0010, 0x0020} || tag == Tag{0x0010, 0x0010}) {
    r.action = {ActionKind::kPseudonym, profile_.patient_id_format};
    r.why += "; pseudonym.patient_id -> keyed pseudonym";
  }
  if (const Override* o = FindOverride(tag, "")) {
    r.action = o->action;
    if (r.action.kind == ActionKind::kPseudonym && r.action.value.empty())
      r.action.value = profile_.patient_id_format;
    r.override_origin = o->origin;
    r.why += "; overridden by " + o->origin;
  }
  return r;
}

Resolution RuleResolver::ResolvePrivate(Tag tag, std::string_view creator) const {
  Resolution r;
  r.base_code = E11PrivateRow().basic;
  if (has_private_overrides_) {
    if (const Override* o = FindOverride(tag, creator)) {
      r.action = o->action;
      r.override_origin = o->origin;
      r.why = "private attribute; overridden by " + o->origin;
      return r;
    }
  }
  if (profile_.options.retain_safe_private && !creator.empty() &&
      IsSafePrivate(creator, tag.group, static_cast<uint8_t>(tag.element & 0xFF))) {
    r.action.kind = ActionKind::kKeep;
    r.option = E11OptionName(E11Option::kRetainSafePrivate);
    r.why = "private attribute in Table E.3.10-1: kept (retain_safe_private)";
  } else {
    r.action.kind = ActionKind::kRemove;
    r.why = "private attribute: removed (Table E.1-1 X)";
  }
  return r;
}

}  // namespace rwd::rules
