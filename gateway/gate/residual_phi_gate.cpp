#include "gateway/gate/residual_phi_gate.h"

#include <memory>

#include "core/strings.h"
#include "gateway/gate/codec_cache.h"
#include "gateway/gate/pixel_recheck.h"
#include "gateway/gate/term_matcher.h"
#include "gateway/gate/text_fold.h"
#include "rules/standard_tables.h"

namespace rwd::gateway::gate {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxRawScan = 64u << 20;  // OB/UN values larger than this are bulk data
constexpr Tag kCodeMeaning{0x0008, 0x0104};

enum class ValueClass { kSkip, kCode, kText, kCharsetText, kUid, kRaw };

// How a value is read. Numbers (binary, DS, IS, TM, AS) cannot hold a name
// or an identifier that the text attributes would not show first.
ValueClass Classify(const std::string& vr) {
  if (vr == "PN" || vr == "LO" || vr == "LT" || vr == "SH" || vr == "ST" || vr == "UT" || vr == "UC")
    return ValueClass::kCharsetText;  // PS3.5 6.1.2.3: these follow Specific Character Set
  if (vr == "CS") return ValueClass::kCode;  // defined terms: HEAD, AXIAL, ...
  if (vr == "AE" || vr == "DA" || vr == "DT" || vr == "UR") return ValueClass::kText;
  if (vr == "UI") return ValueClass::kUid;
  if (vr == "OB" || vr == "UN" || vr == "ox") return ValueClass::kRaw;
  return ValueClass::kSkip;
}

// Bulk data that is not text: pixels, overlays, waveforms.
bool IsBulk(Tag t) {
  return t.group == 0x7FE0 || ((t.group & 0xFF00) == 0x6000 && t.element == 0x3000) ||
         (t.group == 0x5400 && t.element == 0x1010);
}

// Whether a PS3.15 option in force keeps this identifier on purpose (its
// Table E.1-1 option column is K).
bool Exempt(const Identifier& id, const GateOptions& o) {
  if (id.kind == IdentifierKind::kUid && o.retain_uids) return true;
  if (!o.retain_device_identity && !o.retain_institution_identity) return false;
  const rules::E11Row* row = id.source.group ? rules::FindE11Row(id.source) : nullptr;
  if (!row) return false;
  auto k = [&](rules::E11Option opt) { return std::string_view(row->options[static_cast<int>(opt)]) == "K"; };
  return (o.retain_device_identity && k(rules::E11Option::kRetainDeviceIdentity)) ||
         (o.retain_institution_identity && k(rules::E11Option::kRetainInstitutionIdentity));
}

std::string TagText(Tag t) { return t.ToString(); }

class Scanner {
 public:
  Scanner(const OriginalIdentifiers& ids, const GateOptions& o, GateResult& out) : out_(out) {
    for (const auto* list : {&ids.terms, &o.profile_terms.terms})
      for (const Identifier& id : *list)
        if (!Exempt(id, o)) terms_.push_back(&id);
    for (const Identifier& id : ids.uids)
      if (!Exempt(id, o)) uids_.push_back(&id);
  }

  const std::vector<const Identifier*>& terms() const { return terms_; }
  const std::vector<const Identifier*>& uids() const { return uids_; }

  void SetCharacterSet(std::string_view cs) { codec_ = CodecFor(cs); }

  void Item(DicomItem item, const std::string& prefix, int depth) {
    if (depth > kMaxDepth) {
      out_.status = Status::Error(ErrorCode::kUnsafe, "nesting deeper than the gate checks");
      return;
    }
    item.Walk([&](ElementRef& e) {
      const Tag t = e.tag();
      if (e.is_sequence()) {
        for (size_t i = 0; i < e.NumItems(); ++i)
          Item(e.Item(i), prefix + TagText(t) + "[" + std::to_string(i) + "]/", depth + 1);
        return DicomItem::Visit::kKeep;
      }
      if (IsBulk(t) || e.length() == 0) return DicomItem::Visit::kKeep;
      Element(e, prefix);
      return DicomItem::Visit::kKeep;
    });
  }

  void Element(ElementRef& e, const std::string& prefix) {
    const ValueClass c = Classify(e.vr());
    if (c == ValueClass::kSkip) return;
    ++out_.elements_scanned;
    if (c == ValueClass::kRaw) {
      auto raw = e.RawBytes();
      if (!raw.ok() || raw->size() > kMaxRawScan) return;
      const std::string_view bytes(reinterpret_cast<const char*>(raw->data()), raw->size());
      Match(FoldCase(bytes), prefix, e.tag(), true);
      return;
    }
    auto value = e.GetString();
    if (!value.ok()) return;
    if (c == ValueClass::kUid) {
      Match(*value, prefix, e.tag(), false);  // digits and dots: nothing to fold
      return;
    }
    const std::string folded = FoldCase(*value);
    if (c == ValueClass::kCode || e.tag() == kCodeMeaning) {
      // Code strings hold defined terms (BodyPartExamined HEAD, ImageType
      // AXIAL): a short name that is also a term would match every object.
      // Only terms of five bytes or more are looked for in them. Code
      // Meaning (LO) is the same: the scheme's term for a code ("Report
      // Text", "Head"), read like a code string.
      MatchLong(folded, prefix, e.tag());
      if (c == ValueClass::kCharsetText && codec_ && !PlainAscii(*value))
        if (auto utf8 = codec_->ToUtf8(*value, false); utf8.ok() && *utf8 != *value)
          MatchLong(FoldCase(*utf8), prefix, e.tag());
      return;
    }
    Match(folded, prefix, e.tag(), true);
    if (c == ValueClass::kCharsetText && codec_ && !PlainAscii(*value)) {
      auto utf8 = codec_->ToUtf8(*value, e.vr() == "PN");
      if (utf8.ok() && *utf8 != *value) Match(FoldCase(*utf8), prefix, e.tag(), true);
    }
  }

  void Match(std::string_view folded, const std::string& prefix, Tag t, bool with_terms) {
    for (const Identifier* id : with_terms ? terms_ : uids_)
      if (Occurs(folded, *id)) Add({prefix + TagText(t), id->kind, id->source});
    if (with_terms)
      for (const Identifier* id : uids_)
        if (Occurs(folded, *id)) Add({prefix + TagText(t), id->kind, id->source});
  }

  void MatchLong(std::string_view folded, const std::string& prefix, Tag t) {
    for (const auto* list : {&terms_, &uids_})
      for (const Identifier* id : *list)
        if (!id->whole_word && Occurs(folded, *id)) Add({prefix + TagText(t), id->kind, id->source});
  }

  // One hit per (path, kind): the same value found twice is one finding.
  void Add(GateHit h) {
    for (const GateHit& seen : out_.hits)
      if (seen.path == h.path && seen.kind == h.kind) return;
    out_.hits.push_back(std::move(h));
  }

 private:
  GateResult& out_;
  std::vector<const Identifier*> terms_, uids_;  // into the caller's identifiers
  const TextCodec* codec_ = nullptr;
};

}  // namespace

GateOptions GateOptionsFor(const rules::Profile& profile) {
  GateOptions o;
  o.retain_uids = profile.options.retain_uids;
  o.retain_device_identity = profile.options.retain_device_identity;
  o.retain_institution_identity = profile.options.retain_institution_identity;
  AddProfileTerms(profile.gate.extra_terms, o.profile_terms);
  return o;
}

std::string GateHit::ToString() const {
  std::string s = IdentifierKindName(kind);
  if (original.group) s += " (from " + original.ToString() + ")";
  return s + " at " + path;
}

std::string GateHit::DetailJson() const {
  // Every character is from a tag path or a fixed kind name: nothing to escape.
  std::string s = "{\"path\":\"" + path + "\",\"value_kind\":\"" + IdentifierKindName(kind) + "\"";
  if (original.group) s += ",\"from\":\"" + original.ToString() + "\"";
  return s + "}";
}

std::string GateResult::Reason() const {
  if (!status.ok()) return "residual-PHI gate could not check the object: " + status.message();
  if (hits.empty()) return "";
  std::string s = "residual-PHI gate: " + std::to_string(hits.size()) + " original identifier(s) found: ";
  for (size_t i = 0; i < hits.size() && i < 3; ++i) s += (i ? "; " : "") + hits[i].ToString();
  if (hits.size() > 3) s += "; ...";
  return s;
}

GateResult Scan(const OriginalIdentifiers& ids, std::span<const uint8_t> released_bytes, const GateOptions& options) {
  GateResult result;
  if (options.ocr_pixels && !options.reader) {
    result.status = Status::Error(ErrorCode::kInternal, "the gate needs a text reader to OCR pixels");
    return result;
  }
  ParseOptions parse;
  parse.defer_pixel_data = !options.ocr_pixels;  // the header only, unless the pixels are read
  auto file = DicomFile::Parse(released_bytes, parse);
  if (!file.ok()) {
    result.status = Status::Error(ErrorCode::kUnsafe, "released bytes do not parse: " + file.status().message());
    return result;
  }
  Scanner scanner(ids, options, result);
  DicomItem ds = file->dataset();
  scanner.SetCharacterSet(ds.GetString({0x0008, 0x0005}).value_or(""));
  scanner.Item(file->meta(), "", 0);
  scanner.Item(ds, "", 0);
  if (result.status.ok() && options.ocr_pixels)
    RecheckPixels(*file, scanner.terms(), scanner.uids(), *options.reader, options.max_ocr_frames,
                  options.ocr_band_rows, result);
  return result;
}

}  // namespace rwd::gateway::gate
