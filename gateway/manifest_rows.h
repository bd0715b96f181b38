#pragma once
// The release manifest and the provenance rows kept in step (schema 004):
// released rows that no manifest lists yet (a run killed between the rename
// into the output and its manifest) join the next run's segment, and every
// line written is recorded in its object's row.
#include <string>

#include "core/status.h"
#include "db/provenance_store.h"
#include "gateway/release_manifest.h"

namespace rwd::gateway {

// The manifest entry a released row records (path relative to `output_root`).
ManifestEntry EntryFromRow(const db::ProvenanceStore::ManifestedRow& row, const std::string& output_root);

// Appends to `manifest` the released rows under `output_root` with no
// manifest line, each with its own run and profile. Returns how many.
Result<int64_t> AppendUnmanifestedRows(db::ProvenanceStore& store, const std::string& output_root,
                                       ReleaseManifest& manifest);

// Finishes the manifest and records each line in its row, in batches.
Status FinishManifest(ReleaseManifest& manifest, db::ProvenanceStore& store);

}  // namespace rwd::gateway
