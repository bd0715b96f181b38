#pragma once
// The hash chain of a release manifest (manifest.jsonl), shared by the
// writer, the verifier and the provenance database check.
//
// The file is a sequence of segments, one per run that released into the
// folder: its object lines, then its final line. The chain runs on across
// segments.
//
// Every line is one JSON object, written compactly, whose last member is
// "chain": `content` is the line without `,"chain":"..."` (its closing brace
// kept), and
//   chain(line n) = hex SHA-256( chain(line n-1) as 64 hex characters || content(line n) )
// with chain(line 0) = 64 '0' characters. Changing, inserting, removing or
// reordering any line changes every chain value after it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rwd::gateway {

inline constexpr std::string_view kChainGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// One released object as the manifest records it.
struct ManifestEntry {
  std::string path;            // relative to the release root, '/'-separated ([A-Za-z0-9._^-] per component)
  std::string sha256;          // hex of the released file
  uint64_t size = 0;           // bytes
  std::string study_uid, series_uid, sop_uid;  // the new (released) UIDs
  std::string profile_sha256;  // of the profile text
  int64_t run_id = 0;
  std::string time;            // UTC, "2026-12-01T19:05:03Z"
  int64_t seq = 0;             // 1-based line number in the manifest
};

// The JSON content of an object line (no chain): deterministic, so that the
// same entry always gives the same bytes (members in a fixed order).
std::string EntryContent(const ManifestEntry& entry);
// The same content from just after its first member ({"seq":N): what a line
// holds before its place in the manifest is known.
std::string EntryContentAfterSeq(const ManifestEntry& entry);
// The entry an object line's content holds; nullopt when it is not one.
std::optional<ManifestEntry> ParseEntryContent(std::string_view content);
// The content of a run's final line, which closes its segment (the object
// lines since the previous final line): {"seq":S,"type":"end","count":N,
// "run_id":R,"chain_head":H}, H the chain of the segment's last object line.
std::string EndContent(int64_t seq, int64_t count, int64_t run_id, std::string_view chain_head);

std::string ChainNext(std::string_view previous_chain, std::string_view content);
// `content` (a JSON object) with "chain" added as its last member.
std::string WithChain(std::string_view content, std::string_view chain);
// The content and chain of a line; nullopt when the line does not end in
// ,"chain":"<64 hex>"}.
struct ChainedLine {
  std::string content, chain;
};
std::optional<ChainedLine> SplitChain(std::string_view line);


}  // namespace rwd::gateway
