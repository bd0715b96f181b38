#include "gateway/stages/release_stage.h"

#include "core/crypto.h"

namespace rwd::gateway {

StageResult ReleaseStage::Run(ObjectContext& o) {
  auto bytes = o.dicom->Serialize();
  if (!bytes.ok()) return StageResult::Quarantine(bytes.status().code(), bytes.status().message());
  o.out_bytes = std::move(bytes).value();
  const anon::HeaderResult& h = o.header;
  const std::string rel = FolderSink::SafeComponent(h.pseudonym) + "/" + FolderSink::SafeComponent(h.new_study_uid) +
                          "/" + FolderSink::SafeComponent(h.new_series_uid) + "/" +
                          FolderSink::SafeComponent(h.new_sop_uid) + ".dcm";
  const std::string sha_out = Sha256Hex(o.out_bytes);
  std::string first;
  switch (sink_.ClaimPath(rel, sha_out, &first, o.rel_path)) {
    case FolderSink::Claim::kNew: break;
    case FolderSink::Claim::kDuplicate:
      return StageResult::Reject(ErrorCode::kDuplicate, "duplicate of " + first + " (same SOP Instance, same content)");
    case FolderSink::Claim::kConflict:
      return StageResult::Quarantine(ErrorCode::kUnsafe,
                                     "SOP Instance UID also used by " + first + " with different content");
  }
  auto written = sink_.Write(rel, o.out_bytes);
  if (!written.ok()) return StageResult::Quarantine(written.status().code(), written.status().message());
  o.output_path = written.value();
  o.sha256_out = sha_out;
  return StageResult::Continue();
}

}  // namespace rwd::gateway
