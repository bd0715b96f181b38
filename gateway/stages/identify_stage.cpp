#include "gateway/stages/identify_stage.h"

#include <filesystem>

#include "anonymizer/burned_in_risk.h"
#include "anonymizer/keyed_ids.h"
#include "anonymizer/phi_terms.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "gateway/gate/original_identifiers.h"
#include "gateway/dicomdir_check.h"

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {
std::string Trim(std::string_view s) { return std::string(TrimValue(s)); }
constexpr const char* kMediaStorageDirectory = "1.2.840.10008.1.3.10";
// Keeps the short top-level values of an item (not sequences, not bulk data).
void SnapshotValues(DicomItem item, ObjectContext& o) {
  item.Walk([&](ElementRef& e) {
    if (e.is_sequence() || e.length() > 1024 || e.tag().group == 0x7FE0) return DicomItem::Visit::kKeep;
    if (auto v = e.GetString(); v.ok()) o.original_values[e.tag().key()] = *v;
    return DicomItem::Visit::kKeep;
  });
}

// A UID for an object that has none, from its SHA-256 (hex) and the
// attribute: the same bytes give the same UID. Only the de-identifier's
// keyed replacement of it is ever released.
std::string StandInUid(const std::string& sha256_hex, const std::string& attribute) {
  const std::string text = sha256_hex + "/" + attribute;
  return anon::UidFromDigest(Sha256Of(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
}

}  // namespace

StageResult IdentifyStage::Run(ObjectContext& o) {
  // Pixels untouched (no pixel cleaning): parse the header only and write the
  // pixel bytes back as they are.
  ParseOptions options;
  options.defer_pixel_data = profile_.pixels.burned_in == rules::BurnedInMode::kQuarantineAtRisk;
  auto parsed = DicomFile::Parse(std::span<const uint8_t>(o.bytes.data(), o.bytes.size()), options);
  if (!parsed.ok()) {
    const Status& s = parsed.status();
    if (s.code() == ErrorCode::kUnsupportedTransferSyntax) return StageResult::Quarantine(s.code(), s.message());
    return StageResult::Reject(s.code(), s.message());
  }
  o.dicom.emplace(std::move(parsed).value());
  DicomItem ds = o.dicom->dataset();
  DicomItem meta = o.dicom->meta();

  const std::string media_class = Trim(meta.GetString({0x0002, 0x0002}).value_or(""));
  if (media_class == kMediaStorageDirectory || ds.Has({0x0004, 0x1220})) {
    const DicomdirCheck d = CheckDicomdir(ds, fs::path(o.path).parent_path());
    if (d.missing) o.findings.push_back({"identify", "dicomdir_missing_files", "{\"missing\":" + std::to_string(d.missing) + "}"});
    if (d.malformed) o.findings.push_back({"identify", "dicomdir_malformed_entries", "{\"malformed\":" + std::to_string(d.malformed) + "}"});
    return StageResult::Reject(ErrorCode::kDicomdir,
                               "DICOMDIR media index: not released (it lists names); its " + std::to_string(d.entries) +
                                   " file entries are processed from the folder tree" +
                                   (d.missing ? "; " + std::to_string(d.missing) + " listed file(s) are MISSING from the export"
                                              : std::string()) +
                                   (d.malformed ? "; " + std::to_string(d.malformed) +
                                                      " entries are MALFORMED (absolute, '..' or outside the folder)"
                                                : std::string()));
  }

  o.sop_class_uid = Trim(ds.GetString({0x0008, 0x0016}).value_or(media_class));
  o.modality = Trim(ds.GetString({0x0008, 0x0060}).value_or(""));
  for (auto [what, t] : {std::pair{"SOPInstanceUID", Tag{0x0008, 0x0018}}, std::pair{"StudyInstanceUID", Tag{0x0020, 0x000D}},
                         std::pair{"SeriesInstanceUID", Tag{0x0020, 0x000E}}}) {
    if (!Trim(ds.GetString(t).value_or("")).empty()) continue;
    // A profile that replaces UIDs gives the object new ones anyway: a missing
    // one gets a stand-in derived from the object's bytes, which the
    // de-identifier then replaces like any other (keyed, deterministic: the
    // same input gets the same new UID in every run). Under retain_uids there
    // is no UID to keep, so the object cannot be placed.
    if (profile_.options.retain_uids)
      return StageResult::Quarantine(ErrorCode::kUnsafe, std::string("missing ") + what + " " + t.ToString() +
                                                             ": cannot place the object in a cohort (the profile "
                                                             "retains UIDs, so none is generated)");
    if (!ds.SetString(t, StandInUid(o.sha256_in, what)).ok())
      return StageResult::Quarantine(ErrorCode::kUnsafe, std::string("missing ") + what + " " + t.ToString() +
                                                             ": a new UID cannot be set");
    o.findings.push_back({"identify", "uid_generated", std::string("{\"attribute\":\"") + what + "\"}"});
  }

  // The profile's filter: the one predicate engine of rules/ (predicate.h).
  if (const rules::FilterEntry* entry = rules::RejectingEntry(profile_, [&](Tag t) { return ds.GetString(t); }))
    return StageResult::Reject(ErrorCode::kFiltered, "rejected by the profile filter " + entry->origin);
  o.burned_in = anon::AssessBurnedInRisk(ds);
  o.original_ids = gate::CollectIdentifiers(*o.dicom);
  if (profile_.pixels.burned_in != rules::BurnedInMode::kQuarantineAtRisk) {
    o.phi = anon::CollectPhiTerms(ds);
    SnapshotValues(meta, o);
    SnapshotValues(ds, o);
  } else if (profile_.pixels.screen) {
    // What the screener asks of the original header (anatomy_context.h),
    // and the identifiers its reader of undecided strokes matches.
    o.phi = anon::CollectPhiTerms(ds);
    for (Tag t : {Tag{0x0008, 0x0060}, Tag{0x0028, 0x0301}})
      if (auto v = ds.GetString(t)) o.original_values[t.key()] = *v;
  }
  return StageResult::Continue();
}

}  // namespace rwd::gateway
