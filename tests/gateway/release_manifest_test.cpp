// Ed25519 in core/crypto, the manifest chain, the writer and the verifier
// (gateway/release_manifest.h, manifest_verifier.h), and the function the
// provenance database check uses to recompute the chain from rows.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
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

std::span<const uint8_t> Bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Released files and their manifest segment, signed with `key`; run
// `run_id` appends its segment after any earlier one. Returns the entries as
// their lines record them.
std::vector<ManifestEntry> WriteCohort(const std::string& root, const std::string& key, int64_t run_id = 7,
                                       int files = 3, const std::string& salt = "") {
  std::vector<ManifestEntry> entries;
  const std::string scratch = root + "/../scratch";
  fs::create_directories(scratch);
  auto m = ReleaseManifest::Open(root, scratch, run_id, std::string(64, 'a'), key);
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  for (int i = 0; i < files; ++i) {
    ManifestEntry e;
    e.path = "RWD00" + std::to_string(i) + "/2.25.1/2.25.2/2.25." + std::to_string(10 + i) + ".dcm";
    const std::string content = "released object " + std::to_string(i) + salt;
    WriteText(root + "/" + e.path, content);
    e.sha256 = Sha256Hex(content);
    e.size = content.size();
    e.study_uid = "2.25.1";
    e.series_uid = "2.25.2";
    e.sop_uid = "2.25." + std::to_string(10 + i);
    REQUIRE((*m)->Append(100 + i, e).ok());
    e.run_id = run_id;
    e.profile_sha256 = std::string(64, 'a');
    entries.push_back(e);
  }
  std::vector<int64_t> ids;
  Status finished = (*m)->Finish([&](int64_t object_id, const ManifestLine& line) {
    ids.push_back(object_id);
    auto& e = entries[static_cast<size_t>(object_id - 100)];
    e.seq = line.seq;
    e.time = line.time;
    CHECK(line.chain.size() == 64);
    return Status::Ok();
  });
  REQUIRE_MESSAGE(finished.ok(), finished.ToString());
  CHECK(ids.size() == entries.size());
  CHECK_FALSE(fs::exists(scratch + "/manifest-run-" + std::to_string(run_id) + ".segment"));
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
  CHECK(entries[0].seq == 1);
  const VerifyReport r = VerifyRelease(root, {});
  CHECK(r.ok());
  CHECK(r.objects == 3);
  CHECK(r.files_checked == 3);
  CHECK(r.key_fingerprint == Ed25519Fingerprint(key->public_pem).value());
}

TEST_CASE("manifest: unsafe paths refused; nothing released leaves no manifest; unfinished changes nothing") {
  TempDir dir;
  auto key = GenerateEd25519KeyPair();
  REQUIRE(key.ok());
  const std::string scratch = dir.File("scratch");
  fs::create_directories(scratch);
  {
    auto m = ReleaseManifest::Open(dir.path().string(), scratch, 1, "p", key->private_pem);
    REQUIRE(m.ok());
    ManifestEntry e;
    e.sha256 = std::string(64, '0');
    for (const char* bad : {"/etc/passwd", "../x.dcm", "a//b.dcm", "a/\"b.dcm", "a\\b.dcm", "a/b\n.dcm", ""}) {
      e.path = bad;
      CHECK_MESSAGE((*m)->Append(1, e).code() == ErrorCode::kInvalidArgument, bad);
    }
    e.path = "ok/x.dcm";
    e.sha256 = "xyz";
    CHECK((*m)->Append(1, e).code() == ErrorCode::kInvalidArgument);
    CHECK((*m)->Finish().ok());
    CHECK_FALSE(fs::exists(dir.File("manifest.jsonl")));
  }
  {
    auto m = ReleaseManifest::Open(dir.path().string(), scratch, 2, "p", key->private_pem);
    REQUIRE(m.ok());
    ManifestEntry e;
    e.path = "ok/x.dcm";
    e.sha256 = std::string(64, '0');
    REQUIRE((*m)->Append(1, e).ok());
    CHECK(fs::exists(scratch + "/manifest-run-2.segment"));
  }
  CHECK_FALSE(fs::exists(scratch + "/manifest-run-2.segment"));
  CHECK_FALSE(fs::exists(dir.File("manifest.jsonl")));
  CHECK(ReleaseManifest::Open(dir.path().string(), scratch, 3, "p", key->public_pem).status().code() ==
        ErrorCode::kKeyError);
}

TEST_CASE("manifest: a second run appends its segment; the chain runs on; a path released again: its newest line") {
  TempDir dir;
  const std::string root = dir.File("cohort");
  fs::create_directories(root);
  auto key = GenerateEd25519KeyPair();
  REQUIRE(key.ok());
  const std::vector<ManifestEntry> first = WriteCohort(root, key->private_pem, 7, 3);
  const std::string first_text = ReadText(root + "/manifest.jsonl");
  // Run 8 releases two of the paths again with other bytes, and one more.
  const std::vector<ManifestEntry> second = WriteCohort(root, key->private_pem, 8, 4, " again");
  const std::string text = ReadText(root + "/manifest.jsonl");
  CHECK(text.rfind(first_text, 0) == 0);  // the first segment as it was
  const std::vector<std::string> lines = Lines(text);
  REQUIRE(lines.size() == 4 + 5);
  CHECK(second[0].seq == 5);
  CHECK(lines[8].find("\"type\":\"end\",\"count\":4,\"run_id\":8") != std::string::npos);
  const VerifyReport r = VerifyRelease(root, {});
  CHECK_MESSAGE(r.ok(), (r.problems.empty() ? "" : r.problems[0].detail));
  CHECK(r.objects == 4);
  CHECK(r.lines == 7);
  CHECK(r.segments == 2);
  CHECK(r.files_checked == 4);

  SUBCASE("a manifest this key did not sign is not extended (nor re-signed)") {
    auto other = GenerateEd25519KeyPair();
    REQUIRE(other.ok());
    const std::string scratch = dir.File("scratch");
    auto m = ReleaseManifest::Open(root, scratch, 9, std::string(64, 'a'), other->private_pem);
    REQUIRE(m.ok());
    ManifestEntry e = second[0];
    REQUIRE((*m)->Append(1, e).ok());
    CHECK((*m)->Finish().code() == ErrorCode::kUnsafe);
    CHECK(ReadText(root + "/manifest.jsonl") == text);
  }
  SUBCASE("an edited manifest is not extended") {
    std::string edited = text;
    edited[edited.find("\"size\":") + 7] = '9';
    WriteText(root + "/manifest.jsonl", edited);
    auto m = ReleaseManifest::Open(root, dir.File("scratch"), 9, std::string(64, 'a'), key->private_pem);
    REQUIRE(m.ok());
    REQUIRE((*m)->Append(1, second[0]).ok());
    CHECK((*m)->Finish().code() == ErrorCode::kUnsafe);
    CHECK(ReadText(root + "/manifest.jsonl") == edited);
  }
}

TEST_CASE("manifest: an object line's content is the bytes a JSON library writes for it, so older manifests verify") {
  // EntryContent is written by hand for speed; lines written before (by
  // nlohmann::ordered_json) are compared with it by `rwdgate verify`.
  auto library = [](const ManifestEntry& e) {
    nlohmann::ordered_json j;
    j["seq"] = e.seq;
    j["type"] = "object";
    j["path"] = e.path;
    j["sha256"] = e.sha256;
    j["size"] = e.size;
    j["study_uid"] = e.study_uid;
    j["series_uid"] = e.series_uid;
    j["sop_uid"] = e.sop_uid;
    j["profile_sha256"] = e.profile_sha256;
    j["run_id"] = e.run_id;
    j["time"] = e.time;
    return j.dump();
  };
  ManifestEntry e;
  e.path = "RWDX/2.25.1/2.25.2/2.25.3.dcm";
  e.sha256 = std::string(64, 'a');
  e.size = 18446744073709551615ull;
  e.study_uid = "2.25.1";
  e.series_uid = "2.25.2";
  e.sop_uid = "1.2.840.10008.5.1.4.1.1.2";
  e.profile_sha256 = std::string(64, '0');
  e.run_id = 42;
  e.time = "2026-12-03T00:00:00Z";
  e.seq = 7;
  CHECK(EntryContent(e) == library(e));
  // Values a JSON writer must escape (never in a real line: paths and UIDs
  // are checked) still come out as the library writes them.
  e.sop_uid = "quote\" back\\slash tab\t nl\n \x01 \xc3\xa9";
  e.study_uid = "";
  e.seq = 0;
  CHECK(EntryContent(e) == library(e));
  CHECK(EntryContent(e) == "{\"seq\":0" + EntryContentAfterSeq(e));
}
