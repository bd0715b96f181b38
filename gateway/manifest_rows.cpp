#include "gateway/manifest_rows.h"

#include <vector>

namespace rwd::gateway {

ManifestEntry EntryFromRow(const db::ProvenanceStore::ManifestedRow& row, const std::string& output_root) {
  ManifestEntry e;
  e.path = row.output_path.substr(output_root.size() + 1);
  e.sha256 = row.sha256_out;
  e.size = static_cast<uint64_t>(row.size_out);
  e.study_uid = row.study_uid;
  e.series_uid = row.series_uid;
  e.sop_uid = row.sop_uid;
  e.profile_sha256 = row.profile_sha256;
  e.run_id = row.run_id;
  e.time = row.time;
  e.seq = row.seq;
  return e;
}

Result<int64_t> AppendUnmanifestedRows(db::ProvenanceStore& store, const std::string& output_root,
                                       ReleaseManifest& manifest) {
  int64_t n = 0;
  Status appended = Status::Ok();
  Status listed = store.ForEachUnmanifested(output_root, [&](db::ProvenanceStore::ManifestedRow&& r) {
    if (!appended.ok()) return;
    ManifestEntry e = EntryFromRow(r, output_root);
    e.seq = 0;
    e.time.clear();  // listed now
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
