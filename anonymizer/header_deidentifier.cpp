#include "anonymizer/header_deidentifier.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "anonymizer/date_shift.h"
#include "anonymizer/phi_terms.h"
#include "core/text_codec.h"
#include "anonymizer/text_cleaner.h"
#include "anonymizer/uid_policy.h"
#include "core/strings.h"

namespace rwd::anon {

using rules::ActionKind;

namespace {

std::string Trim(std::string_view s) { return std::string(TrimValue(s)); }

constexpr Tag kPatientName{0x0010, 0x0010};
constexpr Tag kPatientId{0x0010, 0x0020};
constexpr Tag kStudyUid{0x0020, 0x000D};
constexpr Tag kSeriesUid{0x0020, 0x000E};
constexpr Tag kSopUid{0x0008, 0x0018};
constexpr int kMaxDepth = 32;


bool IsTextVr(std::string_view vr) {
  for (const char* t : {"LO", "SH", "ST", "LT", "UT", "UC", "PN", "CS", "AE", "UR"})
    if (vr == t) return true;
  return false;
}

bool IsBinaryVr(std::string_view vr) {
  for (const char* t : {"OB", "OW", "OF", "OD", "OL", "OV", "UN", "SQ"})
    if (vr == t) return true;
  return false;
}

// A value that is valid for the VR and says nothing (PS3.15 action D).
std::string DummyFor(std::string_view vr) {
  if (vr == "DA") return "19000101";
  if (vr == "TM") return "000000";
  if (vr == "DT") return "19000101000000";
  if (vr == "AS") return "000D";
  if (vr == "AE") return "ANONYMOUS";
  if (vr == "CS") return "ANONYMIZED";
  if (vr == "PN" || vr == "LO" || vr == "SH" || vr == "ST" || vr == "LT" || vr == "UT" || vr == "UC")
    return "ANONYMIZED";
  return "0";  // IS, DS, US, SS, UL, SL, FL, FD, ...
}

// Maximum value length per VR for what we write (PS3.5 6.2).
size_t MaxLength(std::string_view vr) {
  if (vr == "SH" || vr == "CS" || vr == "AE") return 16;
  if (vr == "LO") return 64;
  if (vr == "ST") return 1024;
  return std::string::npos;
}

// Words test data and PACS use as stand-in names: not identifying, and too
// common in descriptions to treat as residue.
bool IsStandInName(const std::string& upper) {
  for (const char* w : {"NAME", "LAST", "FIRST", "MIDDLE", "ANONYMIZED", "ANONYMOUS", "ANON", "PATIENT", "UNKNOWN",
                        "NONE", "TEST", "PHANTOM", "DOE", "JOHN", "JANE"})
    if (upper == w) return true;
  return false;
}


bool ContainsWord(const std::string& haystack_upper, const std::string& word_upper) {
  for (size_t pos = haystack_upper.find(word_upper); pos != std::string::npos;
       pos = haystack_upper.find(word_upper, pos + 1)) {
    const bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(haystack_upper[pos - 1]));
    const size_t end = pos + word_upper.size();
    const bool right = end >= haystack_upper.size() || !std::isalnum(static_cast<unsigned char>(haystack_upper[end]));
    if (left && right) return true;
  }
  return false;
}

}  // namespace

struct HeaderDeidentifier::Context {
  std::unique_ptr<TextCodec> codec;  // the object's character set <-> UTF-8
  std::string patient_key;  // original Patient ID (or name) behind the pseudonym
  std::string pseudonym;    // what Patient ID and name become
  int shift_days = 0;
  TextCleaner cleaner;
  std::vector<std::string> residue_terms;  // upper case, must not survive
  HeaderResult* result = nullptr;
};

HeaderDeidentifier::HeaderDeidentifier(const rules::Profile& profile, const KeyedIds& ids)
    : profile_(profile), ids_(ids), resolver_(profile) {
  needs_cleaner_ = profile.options.clean_descriptors || profile.options.clean_structured_content ||
                   profile.options.clean_graphics || profile.options.retain_patient_characteristics ||
                   profile.options.retain_device_identity;
  for (const auto& o : profile.rules)
    if (o.action.kind == ActionKind::kClean) needs_cleaner_ = true;
}

std::string HeaderDeidentifier::MethodDescription() const {
  std::string s = "rwdgate " RWD_VERSION " profile " + profile_.name;
  if (s.size() > 64) s.resize(64);
  return s + "\\PS3.15 " + rules::kE11Edition + " Basic Application Confidentiality Profile";
}

Result<HeaderResult> HeaderDeidentifier::Apply(DicomFile& file) {
  HeaderResult result;
  DicomItem ds = file.dataset();
  Context ctx;
  ctx.result = &result;

  // Free text is cleaned in UTF-8 and written back in the object's own
  // character set; ISO 2022 code extensions cannot be written back, so such
  // objects are converted to UTF-8 first (the text stays the same text). A
  // character set this machine cannot convert makes cleaning impossible:
  // the object is quarantined rather than cleaned wrongly.
  if (needs_cleaner_) {
    std::string charset = ds.GetString({0x0008, 0x0005}).value_or("");
    auto codec = TextCodec::Create(charset);
    if (!codec.ok())
      return Status::Error(ErrorCode::kUnsafe, "free text cannot be cleaned: " + codec.status().message());
    if (TextCodec::HasCodeExtensions(charset)) {
      Status s = file.ConvertToUtf8();
      if (!s.ok()) return Status::Error(ErrorCode::kUnsafe, "free text cannot be cleaned: " + s.message());
      codec = TextCodec::Create("ISO_IR 192");
    }
    ctx.codec = std::move(codec).value();
  }

  const std::string pid = Trim(ds.GetString(kPatientId).value_or(""));
  const std::string pname = Trim(ds.GetString(kPatientName).value_or(""));
  const std::string study = Trim(ds.GetString(kStudyUid).value_or(""));
  // Objects without Patient ID are keyed by name, then by study: never all
  // lumped under the pseudonym of "".
  ctx.patient_key = !pid.empty() ? "id:" + pid : !pname.empty() ? "name:" + pname : "study:" + study;
  ctx.shift_days = ids_.DateShiftDays(ctx.patient_key, profile_.date_shift_min_days, profile_.date_shift_max_days);
  result.date_shift_days =
      profile_.options.retain_longitudinal_temporal == rules::Longitudinal::kModified ? ctx.shift_days : 0;
  result.hmac_patient_id = ids_.DbHmac(ctx.patient_key);
  // A site's own study code when the profile has a lookup table, else keyed.
  if (!profile_.lookup.empty()) {
    auto it = profile_.lookup.find(pid);
    if (it != profile_.lookup.end()) ctx.pseudonym = it->second;
    else if (profile_.lookup_missing_quarantines)
      return Status::Error(ErrorCode::kUnsafe, "Patient ID not in the pseudonym lookup table");
  }
  if (ctx.pseudonym.empty()) ctx.pseudonym = ids_.Pseudonym(profile_.patient_id_format, ctx.patient_key);
  result.hmac_study_uid = ids_.DbHmac(study);
  result.hmac_series_uid = ids_.DbHmac(Trim(ds.GetString(kSeriesUid).value_or("")));
  result.hmac_sop_uid = ids_.DbHmac(Trim(ds.GetString(kSopUid).value_or("")));

  if (needs_cleaner_) {
    const PhiTerms terms = CollectPhiTerms(ds);
    for (const auto& n : terms.names)
      if (auto u = ctx.codec->ToUtf8(n, true); u.ok()) ctx.cleaner.AddName(*u);
    for (const auto& v : terms.values)
      if (auto u = ctx.codec->ToUtf8(v, false); u.ok()) ctx.cleaner.AddValue(*u);
    for (const auto& d : terms.dates) ctx.cleaner.AddDate(d);
  }
  // Residue check: the original Patient ID and name parts must not survive
  // unless the profile keeps those attributes on purpose.
  auto kept = [&](Tag t) { return resolver_.Resolve(t, "LO", "").action.kind == ActionKind::kKeep; };
  if (!kept(kPatientId) && pid.size() >= 3) ctx.residue_terms.push_back(AsciiUpper(pid));
  if (!kept(kPatientName))
    for (size_t start = 0; start <= pname.size();) {
      size_t end = pname.find_first_of("^= ", start);
      if (end == std::string::npos) end = pname.size();
      const std::string part = Trim(std::string_view(pname).substr(start, end - start));
      if (part.size() >= 3 && !IsStandInName(AsciiUpper(part))) ctx.residue_terms.push_back(AsciiUpper(part));
      start = end + 1;
    }

  // File Meta elements have no place in a dataset (PS3.10 7.1); there the
  // dictionary rule would keep them, sender AE titles included.
  ds.Walk([](ElementRef& e) { return e.tag().group == 0x0002 ? DicomItem::Visit::kRemove : DicomItem::Visit::kKeep; });
  Status s = DeidentifyItem(ds, 0, ctx);
  if (!s.ok()) return s;

  // File meta: only what describes the encoding survives (sender AE titles
  // and private meta information go).
  DicomItem meta = file.meta();
  meta.Walk([&](ElementRef& e) {
    // Group 0002 only (PS3.10 7.1): an element of another group inside the
    // meta group length would be kept by its element number and written first,
    // so no reader finds the meta header again (and its value was never judged).
    if (e.tag().group != 0x0002) return DicomItem::Visit::kRemove;
    const uint16_t el = e.tag().element;
    if (el == 0x0003) {
      if (auto v = e.GetString(); v.ok()) e.SetString(ids_.MapUid(*v));
      return DicomItem::Visit::kKeep;
    }
    const bool keep = el == 0x0000 || el == 0x0001 || el == 0x0002 || el == 0x0010 || el == 0x0012 || el == 0x0013;
    return keep ? DicomItem::Visit::kKeep : DicomItem::Visit::kRemove;
  });

  s = AddMarkers(ds);
  if (!s.ok()) return s;
  result.pseudonym = Trim(ds.GetString(kPatientId).value_or(""));
  result.new_study_uid = Trim(ds.GetString(kStudyUid).value_or(""));
  result.new_series_uid = Trim(ds.GetString(kSeriesUid).value_or(""));
  result.new_sop_uid = Trim(ds.GetString(kSopUid).value_or(""));
  return result;
}

Status HeaderDeidentifier::DeidentifyItem(DicomItem item, int depth, Context& ctx, bool clean_scope) {
  if (depth > kMaxDepth)
    return Status::Error(ErrorCode::kUnsafe, "sequences nested deeper than " + std::to_string(kMaxDepth));
  Status status;
  std::set<uint32_t> kept_blocks;  // (group << 8 | block) of private elements kept
  std::set<uint16_t> overlays_removed;  // 60xx groups whose OverlayData was removed
  bool has_creators = false;
  item.Walk([&](ElementRef& e) {
    if (!status.ok()) return DicomItem::Visit::kKeep;
    const Tag tag = e.tag();
    if (tag.IsPrivateCreator()) {
      has_creators = true;
      return DicomItem::Visit::kKeep;  // decided once its block is known
    }
    const std::string vr = e.vr();
    const rules::Resolution& r = resolver_.Resolve(tag, vr, e.private_creator());
    rules::Action action = r.action;  // copy: the resolver reuses storage
    if (clean_scope && action.kind == ActionKind::kKeep && !tag.IsPrivate() && (IsTextVr(vr) || e.is_sequence()) &&
        vr != "CS" && vr != "AE")
      action.kind = ActionKind::kClean;
    if (tag.IsPrivate() && action.kind != ActionKind::kRemove)
      kept_blocks.insert((static_cast<uint32_t>(tag.group) << 8) | (tag.element >> 8));
    if (tag.IsPrivate() && action.kind == ActionKind::kRemove) ++ctx.result->private_removed;

    if (e.is_sequence()) {
      if (action.kind == ActionKind::kRemove) {
        ++ctx.result->removed;
        return DicomItem::Visit::kRemove;
      }
      if (action.kind == ActionKind::kEmpty) {
        ++ctx.result->emptied;
        e.SetEmpty();
        return DicomItem::Visit::kKeep;
      }
      // Keep, dummy, clean, uid on a sequence: its items get the profile too.
      const bool scope = clean_scope || action.kind == ActionKind::kClean;
      for (size_t i = 0; i < e.NumItems() && status.ok(); ++i)
        status = DeidentifyItem(e.Item(i), depth + 1, ctx, scope);
      return DicomItem::Visit::kKeep;
    }
    bool remove = false;
    status = ApplyValueAction(e, action, depth, ctx, remove);
    if (remove && (tag.group & 0xFF01) == 0x6000 && tag.element == 0x3000) overlays_removed.insert(tag.group);
    if (!status.ok()) status = Status::Error(status.code(), tag.ToString() + ": " + status.message());
    else if (action.kind == ActionKind::kKeep || action.kind == ActionKind::kClean) status = CheckResidue(e, ctx);
    return remove ? DicomItem::Visit::kRemove : DicomItem::Visit::kKeep;
  });
  if (!status.ok()) return status;
  // An overlay (60xx) whose data went goes whole: its other attributes would
  // describe a bitmap that is no longer there.
  if (!overlays_removed.empty()) {
    item.Walk([&](ElementRef& e) {
      return overlays_removed.count(e.tag().group) ? DicomItem::Visit::kRemove : DicomItem::Visit::kKeep;
    });
  }
  if (has_creators) {
    item.Walk([&](ElementRef& e) {
      const Tag t = e.tag();
      if (!t.IsPrivateCreator()) return DicomItem::Visit::kKeep;
      return kept_blocks.count((static_cast<uint32_t>(t.group) << 8) | t.element) ? DicomItem::Visit::kKeep
                                                                                  : DicomItem::Visit::kRemove;
    });
  }
  return Status::Ok();
}

Status HeaderDeidentifier::ApplyValueAction(ElementRef& e, const rules::Action& a, int depth, Context& ctx,
                                            bool& remove) {
  const std::string vr = e.vr();
  HeaderResult& res = *ctx.result;
  auto set = [&](std::string value) {
    const size_t max = MaxLength(vr);
    if (value.size() > max) value.resize(max);
    return e.SetString(value);
  };
  switch (a.kind) {
    case ActionKind::kKeep:
      if (vr == "UI") return KeepUid(e, ctx);
      return Status::Ok();
    case ActionKind::kRemove:
      ++res.removed;
      remove = true;
      return Status::Ok();
    case ActionKind::kEmpty:
      ++res.emptied;
      return e.SetEmpty();
    case ActionKind::kDummy:
      ++res.replaced;
      if (vr == "UI") break;  // a fresh keyed UID is the dummy of a UID
      if (IsBinaryVr(vr)) return e.SetEmpty();
      return set(DummyFor(vr));
    case ActionKind::kClean: {
      ++res.cleaned;
      if (vr == "UI") break;
      // A bitmap or binary value cannot be cleaned: it goes (fail closed).
      if (IsBinaryVr(vr)) {
        remove = true;
        return Status::Ok();
      }
      if (vr == "PN" || !IsTextVr(vr)) return set(DummyFor(vr));
      auto v = e.GetString();
      if (!v.ok()) return v.status();
      auto utf8 = ctx.codec->ToUtf8(*v, false);
      if (!utf8.ok()) return utf8.status();
      const std::string cleaned = ctx.cleaner.Clean(*utf8);
      if (cleaned == *utf8) return Status::Ok();  // nothing identifying: bytes unchanged
      auto back = ctx.codec->FromUtf8(cleaned);
      if (!back.ok()) return back.status();
      return set(*back);
    }
    case ActionKind::kUid:
      break;
    case ActionKind::kShift: {
      ++res.shifted;
      if (vr == "TM" || vr == "AS") return Status::Ok();  // whole-day shift keeps times and ages
      if (vr != "DA" && vr != "DT") return e.SetEmpty();
      auto v = e.GetString();
      if (!v.ok()) return v.status();
      return e.SetString(ShiftDateValue(*v, vr, ctx.shift_days));
    }
    case ActionKind::kPseudonym: {
      ++res.replaced;
      const Tag t = e.tag();
      if (depth == 0 && (t == kPatientId || t == kPatientName))
        return set(a.value == profile_.patient_id_format ? ctx.pseudonym : ids_.Pseudonym(a.value, ctx.patient_key));
      auto v = e.GetString();
      if (!v.ok()) return v.status();
      return set(ids_.Pseudonym(a.value, *v));
    }
    case ActionKind::kReplace:
      ++res.replaced;
      return set(a.value);
    case ActionKind::kHash: {
      ++res.replaced;
      if (vr == "UI") break;
      auto v = e.GetString();
      if (!v.ok()) return v.status();
      return set(ids_.Hash(*v));
    }
  }
  // UID remapping (U, and D/C/hash on a UI element).
  if (vr != "UI") {
    ++res.replaced;
    return IsBinaryVr(vr) ? e.SetEmpty() : set(DummyFor(vr));
  }
  auto v = e.GetString();
  if (!v.ok()) return v.status();
  int invalid = 0;
  const std::string out = MapUidValues(*v, /*retain_uids=*/false, ids_, &invalid);
  if (invalid) NoteInvalidUid(e, ctx);
  ++res.remapped;
  return e.SetString(out);
}

Status HeaderDeidentifier::KeepUid(ElementRef& e, Context& ctx) {
  // A kept UI element still gets the UID policy (anonymizer/uid_policy.h):
  // what the standard does not define is remapped unless UIDs are retained,
  // and an invalid UID is remapped even then.
  auto v = e.GetString();
  if (!v.ok()) return v.status();
  int invalid = 0;
  const std::string out = MapUidValues(*v, profile_.options.retain_uids, ids_, &invalid);
  if (invalid) NoteInvalidUid(e, ctx);
  if (out == TrimValue(*v)) return Status::Ok();
  ++ctx.result->remapped;
  return e.SetString(out);
}

void HeaderDeidentifier::NoteInvalidUid(ElementRef& e, Context& ctx) {
  ++ctx.result->invalid_uids;
  const std::string tag = e.tag().ToString();
  std::vector<std::string>& tags = ctx.result->invalid_uid_tags;
  if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

Status HeaderDeidentifier::AddMarkers(DicomItem ds) {
  // PS3.15 E.1.1: Patient Identity Removed, De-identification Method and its
  // code sequence (CID 7050) with the options in force.
  Status s = ds.SetString({0x0012, 0x0062}, "YES");
  if (!s.ok()) return s;
  s = ds.SetString({0x0012, 0x0063}, MethodDescription());
  if (!s.ok()) return s;
  ds.Remove({0x0012, 0x0064});
  std::vector<std::string> codes = {"113100"};
  for (int i = 0; i < rules::kE11OptionCount; ++i) {
    const auto opt = static_cast<rules::E11Option>(i);
    if (profile_.options.Active(opt)) codes.push_back(rules::E11OptionCode(opt));
  }
  for (const std::string& code : codes) {
    const rules::CodeItem* c = rules::Cid7050(code);
    if (!c) return Status::Error(ErrorCode::kInternal, "CID 7050 has no code " + code);
    auto item = ds.AppendSequenceItem({0x0012, 0x0064});
    if (!item.ok()) return item.status();
    for (auto [tag, value] : {std::pair{Tag{0x0008, 0x0100}, c->value}, std::pair{Tag{0x0008, 0x0102}, c->scheme},
                              std::pair{Tag{0x0008, 0x0104}, c->meaning}}) {
      s = item->SetString(tag, value);
      if (!s.ok()) return s;
    }
  }
  const char* temporal = "REMOVED";
  if (profile_.options.retain_longitudinal_temporal == rules::Longitudinal::kFull) temporal = "UNMODIFIED";
  if (profile_.options.retain_longitudinal_temporal == rules::Longitudinal::kModified) temporal = "MODIFIED";
  return ds.SetString({0x0028, 0x0303}, temporal);
}

Status HeaderDeidentifier::CheckResidue(ElementRef& e, const Context& ctx) {
  // Only values that come from the original (kept or cleaned) can leak.
  if (ctx.residue_terms.empty() || !IsTextVr(e.vr()) || e.length() == 0) return Status::Ok();
  auto v = e.GetString();
  if (!v.ok()) return Status::Ok();
  const std::string upper = AsciiUpper(*v);
  for (const std::string& term : ctx.residue_terms)
    if (ContainsWord(upper, term))
      return Status::Error(ErrorCode::kUnsafe, "an original patient identifier survives in " + e.tag().ToString());
  return Status::Ok();
}

}  // namespace rwd::anon
