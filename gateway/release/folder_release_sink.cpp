#include "gateway/release/folder_release_sink.h"

namespace rwd::gateway {

Status FolderReleaseSink::Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) {
  for (size_t i = 0; i < files.size(); ++i) {
    Status s = staging_.Promote(files[i].staging_path, files[i].output_path);
    if (!s.ok()) return s;  // the rest stays staged; the next start retries
    delivered[i] = true;
  }
  return Status::Ok();
}

}  // namespace rwd::gateway
