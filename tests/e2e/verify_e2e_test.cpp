// `rwdgate keygen --sign` and `rwdgate verify` through the binary, on a cohort
// released by `rwdgate run` with its manifest written the way the pipeline
// writes it (ReleaseManifest::Append per released object, Finish at the end);
// the README's standard-tools recipe run as it is written; and tampering:
// one byte changed, a file deleted, a file added, a manifest line edited, a
// signature from another key. Each is named and exits non-zero.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "gateway/release_manifest.h"
#include "gateway/signing_key.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

using namespace rwd;
using namespace rwd::testing;
namespace fs = std::filesystem;

namespace {

std::string Bin() { return RWDGATE_BIN; }

CommandResult Verify(const std::string& dir, const std::string& extra = "") {
  return RunShell(Bin() + " verify " + Quote(dir) + " " + extra);
}

// The README's "Verifying a release with standard tools only" block.
std::string StandardToolsRecipe() {
  const std::string readme = ReadText(std::string(RWD_SOURCE_DIR) + "/README.md");
  const size_t start = readme.find("<!-- verify-with-standard-tools");
  REQUIRE(start != std::string::npos);
  const size_t code = readme.find("```sh\n", start);
  const size_t end = readme.find("```\n", code + 6);
  REQUIRE(code != std::string::npos);
  REQUIRE(end != std::string::npos);
  return readme.substr(code + 6, end - code - 6);
}

CommandResult RunRecipe(const std::string& cohort, const TempDir& tmp) {
  WriteText(tmp.File("recipe.sh"), "set -e\n" + StandardToolsRecipe());
  return RunShell("cd " + Quote(cohort) + " && TMPDIR=" + Quote(tmp.path().string()) + " sh " +
                  Quote(tmp.File("recipe.sh")));
}

// A manifest over every released file, as the pipeline appends it.
void WriteManifest(const std::string& out, const std::string& key_pem) {
  auto m = gateway::ReleaseManifest::Open(out, 1, std::string(64, 'c'), key_pem);
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  for (const std::string& file : ListFiles(out)) {
    const std::string rel = fs::relative(file, out).generic_string();
    if (rel.rfind("manifest.", 0) == 0) continue;
    const std::vector<uint8_t> bytes = ReadBytes(file);
    gateway::ManifestEntry e;
    e.path = rel;
    e.sha256 = Sha256Hex(bytes);
    e.size = bytes.size();
    const fs::path p(rel);  // <patient>/<study>/<series>/<instance>.dcm
    e.study_uid = p.parent_path().parent_path().filename().string();
    e.series_uid = p.parent_path().filename().string();
    e.sop_uid = p.stem().string();
    REQUIRE((*m)->Append(e).ok());
  }
  REQUIRE((*m)->Finish().ok());
}

void CopyTree(const std::string& from, const std::string& to) {
  fs::copy(from, to, fs::copy_options::recursive);
}

std::string FirstReleased(const std::string& dir) {
  for (const std::string& f : ListFiles(dir))
    if (f.ends_with(".dcm")) return f;
  FAIL("no released file");
  return "";
}

}  // namespace

TEST_CASE("keygen, a released cohort that verifies, the README recipe, and every kind of tampering named") {
  TempDir tmp;
  const std::string work = tmp.File("work"), in = tmp.File("in"), out = tmp.File("out");

  // keygen: 0600 private key, public key printed and written; no silent replacement.
  CommandResult k = RunShell(Bin() + " keygen --sign --workdir " + Quote(work));
  REQUIRE_MESSAGE(k.exit_code == 0, k.err);
  struct stat st {};
  REQUIRE(::stat((work + "/signing.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string pub = ReadText(work + "/signing.pub.pem");
  CHECK(k.out.find(pub) != std::string::npos);
  const std::string fingerprint = Ed25519Fingerprint(pub).value();
  CHECK(k.out.find(fingerprint) != std::string::npos);
  CHECK(k.out.find("PRIVATE") == std::string::npos);
  CHECK(RunShell(Bin() + " keygen --sign --workdir " + Quote(work)).exit_code == 2);
  CHECK(ReadText(work + "/signing.pub.pem") == pub);

  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.ct_slices = 2;
  opt.mr_slices = 1;
  opt.with_bad_files = false;
  fixtures::WriteSyntheticExport(in, opt);
  GateRun run = RunGate(in, out, work);
  REQUIRE_MESSAGE(run.cmd.exit_code == 0, run.cmd.err);
  REQUIRE(run.summary["released"].get<int>() >= 4);
  auto key = gateway::LoadSigningKey(work);
  REQUIRE_MESSAGE(key.ok(), key.status().ToString());
  WriteManifest(out, *key);

  // Untouched: verifies with rwdgate (its own key and the published one) and with standard tools.
  CommandResult v = Verify(out);
  CHECK_MESSAGE(v.exit_code == 0, v.out);
  CHECK(v.out.find("OK: " + std::to_string(run.summary["released"].get<int>()) + " object(s)") != std::string::npos);
  CHECK(v.out.find(fingerprint) != std::string::npos);
  CHECK(Verify(out, "--pubkey " + Quote(work + "/signing.pub.pem")).exit_code == 0);
  CommandResult recipe = RunRecipe(out, tmp);
  CHECK_MESSAGE(recipe.exit_code == 0, recipe.out, recipe.err);
  CHECK(recipe.out.find(fingerprint) != std::string::npos);
  CHECK((recipe.out + recipe.err).find("Signature Verified Successfully") != std::string::npos);

  const std::string rel = fs::relative(FirstReleased(out), out).generic_string();
  SUBCASE("one byte changed in one released file") {
    const std::string t = tmp.File("t1");
    CopyTree(out, t);
    std::fstream f(t + "/" + rel, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(200);
    const char c = static_cast<char>(f.get());
    f.seekp(200);
    f.put(static_cast<char>(c ^ 1));
    f.close();
    v = Verify(t);
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("altered: " + rel) != std::string::npos, v.out);
    CHECK(RunRecipe(t, tmp).exit_code != 0);
  }
  SUBCASE("a file deleted") {
    const std::string t = tmp.File("t2");
    CopyTree(out, t);
    fs::remove(t + "/" + rel);
    v = Verify(t);
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("missing: " + rel) != std::string::npos, v.out);
    CHECK(RunRecipe(t, tmp).exit_code != 0);
  }
  SUBCASE("a file added") {
    const std::string t = tmp.File("t3");
    CopyTree(out, t);
    const std::string added = fs::path(rel).parent_path().generic_string() + "/2.25.999.dcm";
    fs::copy_file(t + "/" + rel, t + "/" + added);
    v = Verify(t);
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("extra: " + added) != std::string::npos, v.out);
    CHECK(v.out.find("altered") == std::string::npos);
    CHECK(RunRecipe(t, tmp).exit_code != 0);
  }
  SUBCASE("a manifest line edited") {
    const std::string t = tmp.File("t4");
    CopyTree(out, t);
    std::string text = ReadText(t + "/manifest.jsonl");
    const size_t second = text.find('\n') + 1;
    const size_t size_at = text.find("\"size\":", second) + 7;
    text[size_at] = text[size_at] == '9' ? '1' : static_cast<char>(text[size_at] + 1);
    WriteText(t + "/manifest.jsonl", text);
    v = Verify(t);
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("chain: manifest.jsonl: line 2") != std::string::npos, v.out);
    CHECK(v.out.find("signature: manifest.sig") != std::string::npos);
    CHECK(RunRecipe(t, tmp).exit_code != 0);
  }
  SUBCASE("the signature from another key") {
    const std::string t = tmp.File("t5");
    CopyTree(out, t);
    auto other = GenerateEd25519KeyPair();
    REQUIRE(other.ok());
    const std::string text = ReadText(t + "/manifest.jsonl");
    auto sig = Ed25519Sign(other->private_pem, std::span<const uint8_t>(
                                                   reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    REQUIRE(sig.ok());
    WriteText(t + "/manifest.sig", std::string(sig->begin(), sig->end()));
    v = Verify(t);
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("signature: manifest.sig") != std::string::npos, v.out);
    CHECK(RunRecipe(t, tmp).exit_code != 0);
    // The other key's public key put beside it: only the published key tells.
    WriteText(t + "/manifest.pub.pem", other->public_pem);
    v = Verify(t);
    CHECK(v.out.find(fingerprint) == std::string::npos);  // not the site's fingerprint
    CHECK(Verify(t, "--pubkey " + Quote(work + "/signing.pub.pem")).exit_code == 1);
    CHECK(RunRecipe(t, tmp).out.find(fingerprint) == std::string::npos);
  }
  CHECK(Verify(tmp.File("nowhere")).exit_code == 1);
}
