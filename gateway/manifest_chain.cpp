#include "gateway/manifest_chain.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/crypto.h"

namespace rwd::gateway {

namespace {

// A JSON string as nlohmann's dump() writes it. The members of a line are
// paths, hex digests, UIDs and times: printable ASCII without quotes or
// backslashes, written as they are; anything else goes through nlohmann (which
// escapes, and throws on invalid UTF-8, as it did when it wrote every line).
void AppendJsonString(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
  if (!plain) {
    out += nlohmann::json(std::string(s)).dump();
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace

// Written by hand (a run writes a line for every object it releases): the
// same bytes as an nlohmann::ordered_json of these members would dump.
std::string EntryContentAfterSeq(const ManifestEntry& e) {
  std::string j;
  j.reserve(400);
  j += ",\"type\":\"object\",\"path\":";
  AppendJsonString(j, e.path);  // before sha256: README's sed line relies on the order
  j += ",\"sha256\":";
  AppendJsonString(j, e.sha256);
  j += ",\"size\":" + std::to_string(e.size) + ",\"study_uid\":";
  AppendJsonString(j, e.study_uid);
  j += ",\"series_uid\":";
  AppendJsonString(j, e.series_uid);
  j += ",\"sop_uid\":";
  AppendJsonString(j, e.sop_uid);
  j += ",\"profile_sha256\":";
  AppendJsonString(j, e.profile_sha256);
  j += ",\"run_id\":" + std::to_string(e.run_id) + ",\"time\":";
  AppendJsonString(j, e.time);
  j += '}';
  return j;
}

std::string EntryContent(const ManifestEntry& e) {
  return "{\"seq\":" + std::to_string(e.seq) + EntryContentAfterSeq(e);
}

std::optional<ManifestEntry> ParseEntryContent(std::string_view content) {
  const nlohmann::json j = nlohmann::json::parse(content, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("type", "") != "object") return std::nullopt;
  try {
    ManifestEntry e;
    e.seq = j.at("seq").get<int64_t>();
    e.path = j.at("path").get<std::string>();
    e.sha256 = j.at("sha256").get<std::string>();
    e.size = j.at("size").get<uint64_t>();
    e.study_uid = j.at("study_uid").get<std::string>();
    e.series_uid = j.at("series_uid").get<std::string>();
    e.sop_uid = j.at("sop_uid").get<std::string>();
    e.profile_sha256 = j.at("profile_sha256").get<std::string>();
    e.run_id = j.at("run_id").get<int64_t>();
    e.time = j.at("time").get<std::string>();
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string EndContent(int64_t seq, int64_t count, int64_t run_id, std::string_view chain_head) {
  nlohmann::ordered_json j;
  j["seq"] = seq;
  j["type"] = "end";
  j["count"] = count;
  j["run_id"] = run_id;
  j["chain_head"] = std::string(chain_head);
  return j.dump();
}

std::string ChainNext(std::string_view previous_chain, std::string_view content) {
  Sha256 sha;
  sha.Update(previous_chain);
  sha.Update(content);
  return ToHex(sha.Finish());
}

std::string WithChain(std::string_view content, std::string_view chain) {
  std::string line(content.substr(0, content.size() - 1));  // without the closing brace
  line += ",\"chain\":\"";
  line += chain;
  line += "\"}";
  return line;
}

std::optional<ChainedLine> SplitChain(std::string_view line) {
  constexpr std::string_view kKey = ",\"chain\":\"";
  const size_t tail = kKey.size() + 64 + 2;
  if (line.size() < tail + 2 || line.substr(line.size() - 2) != "\"}") return std::nullopt;
  const size_t at = line.size() - tail;
  if (line.substr(at, kKey.size()) != kKey) return std::nullopt;
  ChainedLine out;
  out.chain = std::string(line.substr(at + kKey.size(), 64));
  for (char c : out.chain)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  out.content = std::string(line.substr(0, at)) + "}";
  return out;
}

}  // namespace rwd::gateway
