#include "gateway/manifest_verifier.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/crypto.h"
#include "db/provenance_store.h"
#include "gateway/manifest_chain.h"
#include "gateway/manifest_rows.h"
#include "gateway/release_manifest.h"

namespace rwd::gateway {
namespace fs = std::filesystem;
namespace {

bool ReadAll(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Size and SHA-256 of a file, streamed.
bool HashFile(const fs::path& p, uint64_t& size, std::string& hex) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  Sha256 sha;
  std::vector<char> buf(1 << 20);
  size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    sha.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    size += static_cast<uint64_t>(n);
  }
  hex = ToHex(sha.Finish());
  return true;
}

struct Listed {
  uint64_t size;
  std::string sha256;
};

class Verifier {
 public:
  Verifier(const std::string& dir, VerifyReport& r) : dir_(dir), r_(r) {}

  void Problem(VerifyProblem::Kind k, std::string path, std::string detail) {
    r_.problems.push_back({k, std::move(path), std::move(detail)});
  }

  void Signature(const std::string& manifest, const VerifyOptions& o) {
    const fs::path key_path = o.public_key_file.empty() ? dir_ / kManifestPublicKeyFile : fs::path(o.public_key_file);
    std::string pub, sig;
    if (!ReadAll(key_path, pub)) return Problem(VerifyProblem::Kind::kSignature, key_path.string(), "cannot read the public key");
    if (!ReadAll(dir_ / kManifestSignatureFile, sig))
      return Problem(VerifyProblem::Kind::kSignature, kManifestSignatureFile, "missing");
    if (auto fp = Ed25519Fingerprint(pub); fp.ok()) r_.key_fingerprint = *fp;
    Status s = Ed25519Verify(pub, Bytes(manifest), Bytes(sig));
    if (!s.ok()) Problem(VerifyProblem::Kind::kSignature, kManifestSignatureFile, s.message());
  }

  // The chain and the segments' final lines; collects the listed files (a
  // path listed again by a later run: its newest line counts).
  void Lines(const std::string& manifest) {
    std::string chain(kChainGenesis);
    std::istringstream in(manifest);
    std::string line;
    int64_t n = 0, objects = 0, segment = 0;
    bool ended = false;
    while (std::getline(in, line)) {
      ++n;
      const std::string where = "line " + std::to_string(n);
      ended = false;
      auto split = SplitChain(line);
      if (!split) {
        Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": no chain value at the end of the line");
        continue;
      }
      const std::string before = chain;
      const std::string expected = ChainNext(chain, split->content);
      if (expected != split->chain)
        Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": chain value does not follow from the line");
      chain = split->chain;  // go on from the stored value: one edit, one problem
      nlohmann::json j = nlohmann::json::parse(split->content, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j.contains("seq")) {
        Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": not a manifest record");
        continue;
      }
      if (!j["seq"].is_number_integer() || j["seq"].get<int64_t>() != n)
        Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": out of sequence");
      const std::string type = j["type"].is_string() ? j["type"].get<std::string>() : "";
      if (type == "object") {
        ++objects;
        ++segment;
        if (!j.contains("path") || !j["path"].is_string() || !j.contains("sha256") || !j["sha256"].is_string() ||
            !j.contains("size") || !j["size"].is_number_unsigned()) {
          Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": object record without path, sha256 or size");
          continue;
        }
        const std::string path = j["path"].get<std::string>();
        if (path.find("..") != std::string::npos || path.empty() || path.front() == '/') {
          Problem(VerifyProblem::Kind::kManifest, kManifestFile, where + ": unsafe path");
          continue;
        }
        listed_[path] = Listed{j["size"].get<uint64_t>(), j["sha256"].get<std::string>()};
        lines_[n] = ListedLine{split->content, split->chain, path, j["sha256"].get<std::string>()};
      } else if (type == "end") {
        ended = true;
        const bool count_ok = j.contains("count") && j["count"].is_number_integer() && j["count"].get<int64_t>() == segment;
        if (!count_ok) Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": count differs from the object lines");
        const std::string head = j.contains("chain_head") && j["chain_head"].is_string() ? j["chain_head"].get<std::string>() : "";
        if (head != before) Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": chain head differs");
        r_.chain_head = head;
        segment = 0;
        ++r_.segments;
      } else {
        Problem(VerifyProblem::Kind::kChain, kManifestFile, where + ": unknown record type");
      }
    }
    if (!ended) Problem(VerifyProblem::Kind::kChain, kManifestFile, "no final line (truncated manifest)");
    r_.objects = static_cast<int64_t>(listed_.size());
    r_.lines = objects;
  }

  // The provenance rows against the lines they recorded (schema 004): each
  // row's line recomputed from the row must be the signed line with its seq.
  void Rows(const std::string& workdir) {
    const fs::path db_path = fs::path(workdir) / "rwdgate.db";
    if (!fs::exists(db_path)) return Problem(VerifyProblem::Kind::kDatabase, db_path.string(), "no database");
    auto store = db::ProvenanceStore::Open(db_path.string());
    if (!store.ok()) return Problem(VerifyProblem::Kind::kDatabase, db_path.string(), store.status().message());
    std::string root = fs::absolute(dir_).lexically_normal().string();  // as gateway_session spells it
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    std::map<int64_t, bool> seen;
    std::map<std::pair<std::string, std::string>, int64_t> recorded;  // (path, sha256) -> newest recorded line
    Status listed = (*store)->ForEachManifested(root, [&](db::ProvenanceStore::ManifestedRow&& row) {
      const std::string id = "object row " + std::to_string(row.object_id);
      const ManifestEntry e = EntryFromRow(row, root);
      auto line = lines_.find(row.seq);
      if (line == lines_.end())
        return Problem(VerifyProblem::Kind::kDatabase, id, "records manifest line " + std::to_string(row.seq) +
                                                               ", which is not an object line of the manifest");
      seen[row.seq] = true;
      int64_t& newest = recorded[{e.path, e.sha256}];
      newest = std::max(newest, row.seq);
      if (line->second.chain != row.chain)
        return Problem(VerifyProblem::Kind::kDatabase, id,
                       "its chain value differs from manifest line " + std::to_string(row.seq));
      if (line->second.content != EntryContent(e))
        return Problem(VerifyProblem::Kind::kDatabase, id,
                       "differs from manifest line " + std::to_string(row.seq) + " (the row was edited)");
      ++r_.rows_checked;
    });
    if (!listed.ok()) return Problem(VerifyProblem::Kind::kDatabase, db_path.string(), listed.message());
    Status unlisted = (*store)->ForEachUnmanifested(root, [&](db::ProvenanceStore::ManifestedRow&& row) {
      Problem(VerifyProblem::Kind::kDatabase, "object row " + std::to_string(row.object_id),
              "released into this folder, in no manifest line (an interrupted run: the next run lists it)");
    });
    if (!unlisted.ok()) return Problem(VerifyProblem::Kind::kDatabase, db_path.string(), unlisted.message());
    for (const auto& [seq, l] : lines_) {
      if (seen.count(seq)) continue;
      // A run killed after writing its manifest, before its rows took their
      // lines: the next run listed the same file again, and that line is recorded.
      auto again = recorded.find({l.path, l.sha256});
      if (again != recorded.end() && again->second > seq) continue;
      Problem(VerifyProblem::Kind::kDatabase, std::string(kManifestFile),
              "line " + std::to_string(seq) + ": no database row records it (a row deleted or edited)");
    }
  }

  void Files() {
    for (const auto& [path, want] : listed_) {
      const fs::path p = dir_ / path;
      std::error_code ec;
      if (!fs::is_regular_file(fs::symlink_status(p, ec))) {
        Problem(VerifyProblem::Kind::kMissing, path, "listed in the manifest, not in the folder");
        continue;
      }
      uint64_t size = 0;
      std::string hex;
      if (!HashFile(p, size, hex)) {
        Problem(VerifyProblem::Kind::kMissing, path, "cannot be read");
        continue;
      }
      if (size != want.size)
        Problem(VerifyProblem::Kind::kAltered, path,
                "size " + std::to_string(size) + ", the manifest says " + std::to_string(want.size));
      else if (hex != want.sha256)
        Problem(VerifyProblem::Kind::kAltered, path, "SHA-256 differs from the manifest");
      else
        ++r_.files_checked;
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
      const std::string rel = fs::relative(it->path(), dir_, ec).generic_string();
      if (rel == kManifestFile || rel == kManifestSignatureFile || rel == kManifestPublicKeyFile) continue;
      if (!listed_.count(rel)) Problem(VerifyProblem::Kind::kExtra, rel, "in the folder, not in the manifest");
    }
  }

 private:
  fs::path dir_;
  VerifyReport& r_;
  std::map<std::string, Listed> listed_;
  struct ListedLine {
    std::string content, chain, path, sha256;
  };
  std::map<int64_t, ListedLine> lines_;  // object lines by seq
};

}  // namespace

const char* VerifyProblemName(VerifyProblem::Kind kind) {
  switch (kind) {
    case VerifyProblem::Kind::kManifest: return "manifest";
    case VerifyProblem::Kind::kSignature: return "signature";
    case VerifyProblem::Kind::kChain: return "chain";
    case VerifyProblem::Kind::kMissing: return "missing";
    case VerifyProblem::Kind::kAltered: return "altered";
    case VerifyProblem::Kind::kExtra: return "extra";
    case VerifyProblem::Kind::kDatabase: return "database";
  }
  return "problem";
}

VerifyReport VerifyRelease(const std::string& dir, const VerifyOptions& options) {
  VerifyReport r;
  Verifier v(dir, r);
  std::string manifest;
  if (!ReadAll(fs::path(dir) / kManifestFile, manifest)) {
    v.Problem(VerifyProblem::Kind::kManifest, kManifestFile, "missing or unreadable");
    return r;
  }
  try {
    v.Signature(manifest, options);
    v.Lines(manifest);
    v.Files();
    if (!options.workdir.empty()) v.Rows(options.workdir);
  } catch (const std::exception& e) {
    v.Problem(VerifyProblem::Kind::kManifest, kManifestFile, std::string("cannot be checked: ") + e.what());
  }
  return r;
}

}  // namespace rwd::gateway
