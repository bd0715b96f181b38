// Ed25519 in core/crypto, the manifest chain, the writer and the verifier
// (gateway/release_manifest.h, manifest_verifier.h), and the function the
// provenance database check uses to recompute the chain from rows.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "core/crypto.h"
#include "gateway/manifest_chain.h"
#include "gateway/manifest_verifier.h"
#include "gateway/release_manifest.h"
#include "gateway/signing_key.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::gateway;
using namespace rwd::testing;
namespace fs = std::filesystem;

namespace {

// The manifest's partial file (one per process: manifest.jsonl.partial.<pid>).
bool HasPartial(const std::string& root) {
  for (const auto& e : fs::directory_iterator(root))
    if (e.path().filename().string().rfind("manifest.jsonl.partial", 0) == 0) return true;
  return false;
}

std::span<const uint8_t> Bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Three released files and their manifest, signed with `key`.
std::vector<ManifestEntry> WriteCohort(const std::string& root, const std::string& key) {
  std::vector<ManifestEntry> entries;
  auto m = ReleaseManifest::Open(root, 7, std::string(64, 'a'), key);
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  for (int i = 0; i < 3; ++i) {
    ManifestEntry e;
    e.path = "RWD00" + std::to_string(i) + "/2.25.1/2.25.2/2.25." + std::to_string(10 + i) + ".dcm";
    const std::string content = "released object " + std::to_string(i);
    WriteText(root + "/" + e.path, content);
    e.sha256 = Sha256Hex(content);
    e.size = content.size();
    e.study_uid = "2.25.1";
    e.series_uid = "2.25.2";
    e.sop_uid = "2.25." + std::to_string(10 + i);
    auto line = (*m)->Append(e);
    REQUIRE_MESSAGE(line.ok(), line.status().ToString());
    CHECK(line->seq == i + 1);
    e.seq = line->seq;
    e.time = line->time;
    e.run_id = 7;
    e.profile_sha256 = std::string(64, 'a');
    entries.push_back(e);
  }
  REQUIRE((*m)->Finish().ok());
  return entries;
}

}  // namespace

TEST_CASE("Ed25519: sign and verify; another message or another key does not verify") {
  auto a = GenerateEd25519KeyPair();
  auto b = GenerateEd25519KeyPair();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->private_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
  CHECK(Ed25519PublicPem(a->private_pem).value() == a->public_pem);
  auto sig = Ed25519Sign(a->private_pem, Bytes("the manifest"));
  REQUIRE(sig.ok());
  CHECK(sig->size() == 64);
  CHECK(Ed25519Verify(a->public_pem, Bytes("the manifest"), *sig).ok());
  CHECK(Ed25519Verify(a->public_pem, Bytes("the manifesT"), *sig).code() == ErrorCode::kUnsafe);
  CHECK(Ed25519Verify(b->public_pem, Bytes("the manifest"), *sig).code() == ErrorCode::kUnsafe);
  CHECK(Ed25519Verify("not a key", Bytes("x"), *sig).code() == ErrorCode::kKeyError);
  CHECK(Ed25519Sign(a->public_pem, Bytes("x")).status().code() == ErrorCode::kKeyError);
  CHECK(Ed25519Fingerprint(a->public_pem).value() != Ed25519Fingerprint(b->public_pem).value());
}

TEST_CASE("signing key: 0600 in the work dir, not replaced without asking, refused when others can read it") {
  TempDir dir;
  const std::string work = dir.File("work");
  auto made = CreateSigningKey(work, false);
  REQUIRE_MESSAGE(made.ok(), made.status().ToString());
  struct stat st {};
  REQUIRE(::stat(made->private_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(ReadText(made->public_path) == made->public_pem);
  CHECK(CreateSigningKey(work, false).status().code() == ErrorCode::kKeyError);
  auto pem = LoadSigningKey(work);
  REQUIRE(pem.ok());
  CHECK(Ed25519PublicPem(*pem).value() == made->public_pem);
  ::chmod(made->private_path.c_str(), 0644);
  CHECK(LoadSigningKey(work).status().code() == ErrorCode::kKeyError);
  CHECK(LoadSigningKey(dir.File("none")).status().message().find("rwdgate keygen --sign") != std::string::npos);
}

TEST_CASE("manifest: one chained line per object and a final line; signed; verifies") {
  TempDir dir;
  const std::string root = dir.File("cohort");
  fs::create_directories(root);
  auto key = GenerateEd25519KeyPair();
  REQUIRE(key.ok());
  const std::vector<ManifestEntry> entries = WriteCohort(root, key->private_pem);
  const std::string text = ReadText(root + "/manifest.jsonl");
  const std::vector<std::string> lines = Lines(text);
  REQUIRE(lines.size() == 4);
  std::string chain(kChainGenesis);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto split = SplitChain(lines[i]);
    REQUIRE(split.has_value());
    CHECK(split->chain == ChainNext(chain, split->content));
    if (i < entries.size()) CHECK(split->content == EntryContent(entries[i]));
    chain = split->chain;
  }
  CHECK(lines[3].find("\"type\":\"end\",\"count\":3") != std::string::npos);
  CHECK(lines[0].find("\"path\":\"RWD000/2.25.1/2.25.2/2.25.10.dcm\",\"sha256\":") != std::string::npos);
  CHECK(Ed25519Verify(ReadText(root + "/manifest.pub.pem"), Bytes(text),
                      Bytes(ReadText(root + "/manifest.sig")))
            .ok());
  CHECK_FALSE(HasPartial(root));
  const VerifyReport r = VerifyRelease(root, {});
  CHECK(r.ok());
  CHECK(r.objects == 3);
  CHECK(r.files_checked == 3);
  CHECK(r.key_fingerprint == Ed25519Fingerprint(key->public_pem).value());
}

TEST_CASE("manifest: unsafe paths refused; nothing released leaves no manifest; unfinished leaves no partial") {
  TempDir dir;
  auto key = GenerateEd25519KeyPair();
  REQUIRE(key.ok());
  {
    auto m = ReleaseManifest::Open(dir.path().string(), 1, "p", key->private_pem);
    REQUIRE(m.ok());
    ManifestEntry e;
    e.sha256 = std::string(64, '0');
    for (const char* bad : {"/etc/passwd", "../x.dcm", "a//b.dcm", "a/\"b.dcm", "a\\b.dcm", "a/b\n.dcm", ""}) {
      e.path = bad;
      CHECK_MESSAGE((*m)->Append(e).status().code() == ErrorCode::kInvalidArgument, bad);
    }
    e.path = "ok/x.dcm";
    e.sha256 = "xyz";
    CHECK((*m)->Append(e).status().code() == ErrorCode::kInvalidArgument);
    CHECK((*m)->Finish().ok());
    CHECK_FALSE(fs::exists(dir.File("manifest.jsonl")));
  }
  {
    auto m = ReleaseManifest::Open(dir.path().string(), 2, "p", key->private_pem);
    REQUIRE(m.ok());
    CHECK(HasPartial(dir.path().string()));
  }
  CHECK_FALSE(HasPartial(dir.path().string()));
  CHECK(ReleaseManifest::Open(dir.path().string(), 3, "p", key->public_pem).status().code() == ErrorCode::kKeyError);
}

TEST_CASE("database rows: the chain recomputed from rows shows an edited, a deleted and an inserted row") {
  TempDir dir;
  const std::string root = dir.File("cohort");
  fs::create_directories(root);
  auto key = GenerateEd25519KeyPair();
  REQUIRE(key.ok());
  std::vector<ManifestEntry> rows = WriteCohort(root, key->private_pem);
  std::vector<std::string> chains;
  for (const std::string& l : Lines(ReadText(root + "/manifest.jsonl"))) chains.push_back(SplitChain(l)->chain);
  chains.pop_back();  // the final line is not a row
  CHECK_FALSE(FirstBrokenLink(rows, chains).has_value());
  auto edited = rows;
  edited[1].sha256[0] = edited[1].sha256[0] == 'a' ? 'b' : 'a';
  CHECK(FirstBrokenLink(edited, chains) == 2);
  auto deleted = rows;
  auto deleted_chains = chains;
  deleted.erase(deleted.begin() + 1);
  deleted_chains.erase(deleted_chains.begin() + 1);
  CHECK(FirstBrokenLink(deleted, deleted_chains) == 3);
  auto inserted = rows;
  auto inserted_chains = chains;
  inserted.insert(inserted.begin() + 1, rows[0]);
  inserted_chains.insert(inserted_chains.begin() + 1, chains[0]);
  CHECK(FirstBrokenLink(inserted, inserted_chains) == 1);
}
