#include "gateway/manifest_rows.h"

#include <vector>

namespace rwd::gateway {

Result<int64_t> AppendUnmanifestedRows(db::ProvenanceStore& store, const std::string& output_root,
                                       ReleaseManifest& manifest) {
  int64_t n = 0;
  Status appended = Status::Ok();
  Status listed = store.ForEachUnmanifested(output_root, [&](db::ProvenanceStore::ManifestedRow&& r) {
    if (!appended.ok()) return;
    ManifestEntry e;
    e.path = r.output_path.substr(output_root.size() + 1);
    e.sha256 = r.sha256_out;
    e.size = static_cast<uint64_t>(r.size_out);
    e.study_uid = r.study_uid;
    e.series_uid = r.series_uid;
    e.sop_uid = r.sop_uid;
    e.run_id = r.run_id;
    e.profile_sha256 = r.profile_sha256;
    appended = manifest.Append(r.object_id, std::move(e));
    if (appended.ok()) ++n;
  });
  if (!listed.ok()) return listed;
  if (!appended.ok()) return appended;
  return n;
}

Status FinishManifest(ReleaseManifest& manifest, db::ProvenanceStore& store) {
  constexpr size_t kBatch = 2000;
  std::vector<db::ProvenanceStore::ManifestLineRecord> batch;
  batch.reserve(kBatch);
  Status s = manifest.Finish([&](int64_t object_id, const ManifestLine& line) {
    if (object_id <= 0) return Status::Ok();
    batch.push_back({object_id, line.seq, line.chain, line.time});
    if (batch.size() < kBatch) return Status::Ok();
    Status r = store.RecordManifestLines(batch);
    batch.clear();
    return r;
  });
  if (!s.ok()) return s;
  return batch.empty() ? Status::Ok() : store.RecordManifestLines(batch);
}

}  // namespace rwd::gateway
