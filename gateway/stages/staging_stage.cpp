#include "gateway/stages/staging_stage.h"

#include "core/crypto.h"

namespace rwd::gateway {

StageResult StagingStage::Run(ObjectContext& o) {
  auto out = o.dicom->SerializeParts();
  if (!out.ok()) return StageResult::Quarantine(out.status().code(), out.status().message());
  o.out = std::move(out).value();
  const anon::HeaderResult& h = o.header;
  const std::string rel = FolderSink::SafeComponent(h.pseudonym) + "/" + FolderSink::SafeComponent(h.new_study_uid) +
                          "/" + FolderSink::SafeComponent(h.new_series_uid) + "/" +
                          FolderSink::SafeComponent(h.new_sop_uid) + ".dcm";
  Sha256 sha;
  sha.Update(o.out.head);
  sha.Update(o.out.tail);
  const std::string sha_out = ToHex(sha.Finish());
  std::string first;
  switch (claims_.ClaimPath(rel, sha_out, &first, o.rel_path)) {
    case FolderSink::Claim::kNew: break;
    case FolderSink::Claim::kDuplicate:
      return StageResult::Reject(ErrorCode::kDuplicate, "duplicate of " + first + " (same SOP Instance, same content)");
    case FolderSink::Claim::kConflict:
      return StageResult::Quarantine(ErrorCode::kUnsafe,
                                     "SOP Instance UID also used by " + first + " with different content");
  }
  o.facts = ObjectFacts::From(*o.dicom);
  o.facts.pixel_regions_redacted = o.pixel_regions_redacted;
  auto written = staging_.Write(rel, o.out.head, o.out.tail);
  if (!written.ok()) return StageResult::Quarantine(written.status().code(), written.status().message());
  o.staging_path = written.value();
  o.output_path = staging_.OutputPath(rel);
  o.sha256_out = sha_out;
  return StageResult::Continue();
}

}  // namespace rwd::gateway
