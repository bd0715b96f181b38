#include "gateway/stages/staging_stage.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "core/crypto.h"

namespace rwd::gateway {
namespace {

// SHA-256 of a file ("" when unreadable).
std::string FileSha256(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  Sha256 sha;
  std::vector<uint8_t> buf(1 << 16);
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) sha.Update(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
  ::close(fd);
  return n < 0 ? "" : ToHex(sha.Finish());
}

}  // namespace

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
  o.facts = ObjectFacts::From(*o.dicom);
  o.facts.pixel_regions_redacted = o.pixel_regions_redacted;
  o.facts.pixels_changed = o.pixels_changed;
  o.facts.qc_group = o.qc_group;
  std::string existing;
  auto written = staging_.Write(rel, o.out.head, o.out.tail, &existing);
  if (!written.ok() && written.status().code() == ErrorCode::kDuplicate) {
    // Another input of this run has the same SOP Instance: the rows of this
    // run with the same new_sop_uid name it.
    if (FileSha256(existing) == sha_out)
      return StageResult::Reject(ErrorCode::kDuplicate,
                                 "duplicate of another input of this run (same SOP Instance UID, same content)");
    return StageResult::Quarantine(ErrorCode::kUnsafe,
                                   "SOP Instance UID also used by another input of this run with different content");
  }
  if (!written.ok()) return StageResult::Quarantine(written.status().code(), written.status().message());
  o.staging_path = written.value();
  o.output_path = staging_.OutputPath(rel);
  o.sha256_out = sha_out;
  return StageResult::Continue();
}

}  // namespace rwd::gateway
