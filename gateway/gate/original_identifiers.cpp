#include "gateway/gate/original_identifiers.h"

#include <algorithm>
#include <array>
#include <memory>
#include <set>

#include "core/strings.h"
#include "gateway/gate/codec_cache.h"
#include "gateway/gate/term_matcher.h"
#include "gateway/gate/text_fold.h"
#include "rules/standard_tables.h"

namespace rwd::gateway::gate {
namespace {

constexpr size_t kMinBytes = 3;        // shorter values are not looked for
constexpr size_t kSubstringBytes = 5;  // shorter ones only as whole words
constexpr size_t kMinDigits = 5;       // all-digit values: shorter numbers (study ID 1, 100) are everywhere

// Identifying attributes other than person names (PN values are all names),
// wherever they occur. PS3.15 Table E.1-1 lists each of them.
struct Listed {
  uint16_t group, element;
  IdentifierKind kind;
};
constexpr std::array<Listed, 24> kListed = {{
    {0x0010, 0x0020, IdentifierKind::kPatientId},
    {0x0010, 0x1000, IdentifierKind::kOtherPatientId},
    {0x0010, 0x1090, IdentifierKind::kOtherPatientId},  // Medical Record Locator
    {0x0010, 0x0021, IdentifierKind::kIssuer},
    {0x0008, 0x0050, IdentifierKind::kAccession},
    {0x0020, 0x0010, IdentifierKind::kStudyId},
    {0x0038, 0x0010, IdentifierKind::kOtherId},  // Admission ID
    {0x0040, 0x1001, IdentifierKind::kOtherId},  // Requested Procedure ID
    {0x0040, 0x2016, IdentifierKind::kOtherId},  // Placer Order Number
    {0x0040, 0x2017, IdentifierKind::kOtherId},  // Filler Order Number
    {0x0040, 0x0009, IdentifierKind::kOtherId},  // Scheduled Procedure Step ID
    {0x0040, 0x0253, IdentifierKind::kOtherId},  // Performed Procedure Step ID
    {0x0010, 0x1040, IdentifierKind::kAddress},  // Patient's Address
    {0x0008, 0x0081, IdentifierKind::kAddress},  // Institution Address
    {0x0008, 0x0092, IdentifierKind::kAddress},  // Referring Physician's Address
    {0x0040, 0x1102, IdentifierKind::kAddress},  // Person's Address
    {0x0010, 0x2154, IdentifierKind::kPhone},
    {0x0008, 0x0094, IdentifierKind::kPhone},
    {0x0040, 0x1103, IdentifierKind::kPhone},
    {0x0008, 0x0080, IdentifierKind::kInstitution},
    {0x0008, 0x1040, IdentifierKind::kInstitution},  // Institutional Department Name
    {0x0008, 0x1010, IdentifierKind::kStation},
    {0x0018, 0x1000, IdentifierKind::kSerial},
    {0x0010, 0x0030, IdentifierKind::kBirthDate},
}};

const Listed* FindListed(Tag t) {
  for (const Listed& l : kListed)
    if (l.group == t.group && l.element == t.element) return &l;
  return nullptr;
}

IdentifierKind NameKind(Tag t) {
  if (t == Tag{0x0010, 0x0010}) return IdentifierKind::kPatientName;
  // Other Patient Names, Patient's Birth Name, Mother's Birth Name, Responsible Person.
  if (t == Tag{0x0010, 0x1001} || t == Tag{0x0010, 0x1005} || t == Tag{0x0010, 0x1060} ||
      t == Tag{0x0010, 0x2297})
    return IdentifierKind::kOtherPatientName;
  return IdentifierKind::kPersonName;
}

// UIDs that name a class, syntax, scheme or template, not an instance: the
// same in every object, so not identifying (PS3.5 9; PS3.15 E.1-1 lists only
// instance UIDs).
bool IsClassUidAttribute(Tag t) {
  const std::string kw = KeywordOf(t);
  for (const char* suffix : {"ClassUID", "SyntaxUID", "SchemeUID", "TemplateUID", "ContextUID"})
    if (kw.size() >= std::string_view(suffix).size() && kw.ends_with(suffix)) return true;
  return kw == "ImplementationClassUID" || kw == "CodingSchemeUID" || kw == "ContextGroupExtensionCreatorUID" ||
         kw == "PrivateInformationCreatorUID";
}

std::vector<std::string_view> Split(std::string_view s, std::string_view separators) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || separators.find(s[i]) != std::string_view::npos) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// Words that stand in for a value and identify nobody (test data and
// earlier de-identification write them; dummies are made of them).
bool IsStandIn(std::string_view folded) {
  for (const char* w : {"anonymized", "anonymised", "anonymous", "anon", "patient", "name", "unknown", "none",
                        "test", "phantom", "last", "first", "middle", "operator", "physician", "doctor", "removed",
                        "deidentified", "de-identified", "redacted", "dummy", "default", "research", "nobody"})
    if (folded == w) return true;
  return false;
}

// Attributes that name a product, not a person or a site; kept by every
// profile. A value the original also has in them is not distinctive
// (test data names the institution after the vendor).
constexpr std::array<Tag, 4> kProductAttributes = {{
    {0x0008, 0x0070},  // Manufacturer
    {0x0008, 0x1090},  // Manufacturer's Model Name
    {0x0018, 0x1020},  // Software Versions
    {0x0050, 0x0020},  // Device Description
}};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Collector {
 public:
  explicit Collector(OriginalIdentifiers& out) : out_(out) {}

  void SetCharacterSet(std::string_view cs) { codec_ = CodecFor(cs); }

  void Item(DicomItem item, int depth) {
    if (depth > 32) return;  // absurd nesting: the parser's limits apply first
    item.Walk([&](ElementRef& e) {
      if (e.is_sequence()) {
        for (size_t i = 0; i < e.NumItems(); ++i) Item(e.Item(i), depth + 1);
        return DicomItem::Visit::kKeep;
      }
      const Tag t = e.tag();
      if (t.IsPrivate() || t.group == 0x7FE0) return DicomItem::Visit::kKeep;
      const std::string vr = e.vr();
      if (vr != "PN" && vr != "UI" && !FindListed(t)) return DicomItem::Visit::kKeep;
      auto raw = e.GetString();
      if (!raw.ok() || TrimValue(*raw).empty()) return DicomItem::Visit::kKeep;
      if (vr == "UI") {
        for (std::string_view uid : Split(*raw, "\\")) AddUid(t, TrimValue(uid));
      } else if (vr == "PN") {
        AddName(NameKind(t), t, *raw);
      } else if (const Listed* l = FindListed(t)) {
        IdentifierKind kind = l->kind;
        if (kind == IdentifierKind::kPatientId && depth > 0) kind = IdentifierKind::kOtherPatientId;
        if (kind == IdentifierKind::kBirthDate) AddBirthDate(t, TrimValue(*raw));
        else if (kind == IdentifierKind::kAddress) AddParts(kind, t, *raw, "\\^\r\n,");
        else AddParts(kind, t, *raw, "\\");
      }
      return DicomItem::Visit::kKeep;
    });
  }

  void AddTerm(IdentifierKind kind, Tag source, std::string_view utf8, std::string_view raw) {
    utf8 = TrimValue(utf8);
    if (utf8.size() < kMinBytes) return;
    Push(kind, source, FoldCase(utf8));
    raw = TrimValue(raw);
    if (raw != utf8 && raw.size() >= kMinBytes) Push(kind, source, FoldCase(raw));
  }

  // Person names (PS3.5 6.2): values split by '\', groups by '=', components
  // by '^'; family, given and middle names are identifying (prefixes and
  // suffixes such as "Dr" or "Jr" are not). Words of a several-word
  // component count on their own too.
  void AddName(IdentifierKind kind, Tag t, std::string_view raw_value) {
    const std::string utf8 = Decode(raw_value, true);
    auto add_components = [&](std::string_view value) {
      for (std::string_view one : Split(value, "\\"))
        for (std::string_view group : Split(one, "="))
          for (size_t c = 0; std::string_view comp : Split(group, "^")) {
            if (c++ >= 3) break;
            comp = TrimValue(comp);
            if (comp.size() < kMinBytes) continue;
            Push(kind, t, FoldCase(comp));
            if (comp.find(' ') != std::string_view::npos)
              for (std::string_view word : Split(comp, " "))
                if (word.size() > kMinBytes) Push(kind, t, FoldCase(word));
          }
    };
    add_components(utf8);
    if (utf8 != raw_value) add_components(raw_value);
  }

  void AddParts(IdentifierKind kind, Tag t, std::string_view raw_value, std::string_view separators) {
    const std::string utf8 = Decode(raw_value, false);
    for (std::string_view part : Split(utf8, separators)) AddTerm(kind, t, part, part);
    if (utf8 != raw_value)
      for (std::string_view part : Split(raw_value, separators)) AddTerm(kind, t, part, part);
  }

  // A DA value YYYYMMDD in the spellings people and devices write.
  void AddBirthDate(Tag t, std::string_view da) {
    if (da.size() != 8 || !AllDigits(da)) {
      AddTerm(IdentifierKind::kBirthDate, t, da, da);
      return;
    }
    const std::string y(da.substr(0, 4)), m(da.substr(4, 2)), d(da.substr(6, 2));
    const int mi = std::stoi(m);
    const std::string mu = std::to_string(mi), du = std::to_string(std::stoi(d));
    static const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                    "july",    "august",   "september", "october", "november", "december"};
    std::set<std::string> spellings = {y + m + d,         y + "-" + m + "-" + d, y + "." + m + "." + d,
                                       y + "/" + m + "/" + d, d + m + y,        d + "." + m + "." + y,
                                       d + "/" + m + "/" + y, d + "-" + m + "-" + y, m + "/" + d + "/" + y,
                                       m + "-" + d + "-" + y, du + "." + mu + "." + y, du + "/" + mu + "/" + y,
                                       mu + "/" + du + "/" + y};
    if (mi >= 1 && mi <= 12) {
      const std::string full = kMonths[mi - 1], abbr = full.substr(0, 3);
      for (const std::string& mon : {abbr, full}) {
        spellings.insert(du + " " + mon + " " + y);
        spellings.insert(d + " " + mon + " " + y);
        spellings.insert(d + "-" + mon + "-" + y);
        spellings.insert(d + mon + y);
        spellings.insert(mon + " " + du + ", " + y);
        spellings.insert(mon + " " + du + " " + y);
      }
    }
    for (const std::string& s : spellings) Push(IdentifierKind::kBirthDate, t, s);
  }

  void AddUid(Tag t, std::string_view uid) {
    if (uid.size() < 8 || rules::IsWellKnownUid(uid)) return;
    if (IsClassUidAttribute(t)) return;  // after the cheap test: a dictionary look-up
    const std::string u(uid);
    if (!seen_uids_.insert(u).second) return;
    out_.uids.push_back({IdentifierKind::kUid, t, u, false, false});
  }

 private:
  std::string Decode(std::string_view raw, bool person_name) const {
    if (!codec_ || PlainAscii(raw)) return std::string(raw);
    auto u = codec_->ToUtf8(raw, person_name);
    return u.ok() ? std::move(u).value() : std::string(raw);
  }

  void Push(IdentifierKind kind, Tag source, std::string folded) {
    if (folded.size() < kMinBytes || IsStandIn(folded)) return;
    if (AllDigits(folded) && folded.size() < kMinDigits) return;
    if (!seen_.insert({static_cast<int>(kind), folded}).second) return;
    const bool digits = AllDigits(folded);
    const bool whole = folded.size() < kSubstringBytes;
    out_.terms.push_back({kind, source, std::move(folded), whole, digits});
  }

  OriginalIdentifiers& out_;
  const TextCodec* codec_ = nullptr;
  std::set<std::pair<int, std::string>> seen_;
  std::set<std::string> seen_uids_;
};

}  // namespace

const char* IdentifierKindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kPatientName: return "patient name";
    case IdentifierKind::kOtherPatientName: return "other patient name";
    case IdentifierKind::kPersonName: return "person name";
    case IdentifierKind::kPatientId: return "patient ID";
    case IdentifierKind::kOtherPatientId: return "other patient ID";
    case IdentifierKind::kIssuer: return "issuer of patient ID";
    case IdentifierKind::kBirthDate: return "birth date";
    case IdentifierKind::kAccession: return "accession number";
    case IdentifierKind::kStudyId: return "study ID";
    case IdentifierKind::kOtherId: return "other identifier";
    case IdentifierKind::kAddress: return "address";
    case IdentifierKind::kPhone: return "telephone number";
    case IdentifierKind::kInstitution: return "institution";
    case IdentifierKind::kStation: return "station name";
    case IdentifierKind::kSerial: return "device serial number";
    case IdentifierKind::kUid: return "original UID";
    case IdentifierKind::kProfileTerm: return "profile gate term";
  }
  return "identifier";
}

OriginalIdentifiers CollectIdentifiers(const DicomFile& original) {
  OriginalIdentifiers ids;
  Collector collector(ids);
  DicomItem ds = original.dataset();
  collector.SetCharacterSet(ds.GetString({0x0008, 0x0005}).value_or(""));
  collector.Item(ds, 0);
  std::string product;
  for (Tag t : kProductAttributes)
    if (auto v = ds.GetString(t)) product += FoldCase(*v) + "\n";
  if (!product.empty())
    std::erase_if(ids.terms, [&](const Identifier& id) { return Occurs(product, id); });
  return ids;
}

void AddProfileTerms(const std::vector<std::string>& terms, OriginalIdentifiers& ids) {
  Collector collector(ids);
  for (const std::string& term : terms) {
    if (term.find('^') != std::string::npos) collector.AddName(IdentifierKind::kProfileTerm, Tag{0, 0}, term);
    else collector.AddTerm(IdentifierKind::kProfileTerm, Tag{0, 0}, term, term);
  }
}

}  // namespace rwd::gateway::gate
