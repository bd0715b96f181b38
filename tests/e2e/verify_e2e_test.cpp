// `rwdgate keygen --sign` and `rwdgate verify` through the binary, on a cohort
// released by `rwdgate run` with the manifest it writes; the README's
// standard-tools recipe run as it is written; tampering: one byte changed, a
// file deleted, a file added, a manifest line edited, a signature from
// another key, a database row edited (`verify --workdir`). Each is named and
// exits non-zero. A second run into the same folder appends its segment.
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

  // Untouched: verifies with rwdgate (its own key and the published one) and with standard tools.
  CommandResult v = Verify(out);
  CHECK_MESSAGE(v.exit_code == 0, v.out);
  CHECK(v.out.find("OK: " + std::to_string(run.summary["released"].get<int>()) + " object(s)") != std::string::npos);
  CHECK(v.out.find(fingerprint) != std::string::npos);
  CHECK(Verify(out, "--pubkey " + Quote(work + "/signing.pub.pem")).exit_code == 0);
  v = Verify(out, "--workdir " + Quote(work));
  CHECK_MESSAGE(v.exit_code == 0, v.out);
  CHECK(v.out.find(std::to_string(run.summary["released"].get<int>()) + " database row(s) match") !=
        std::string::npos);
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
  SUBCASE("a database row edited") {
    // The schema refuses the edit; whoever holds the file can drop the trigger.
    const std::string sql =
        "DROP TRIGGER objects_no_update; UPDATE objects SET size_out = size_out + 1"
        " WHERE id = (SELECT min(id) FROM objects WHERE state = 'released');";
    CommandResult edit = RunShell("sqlite3 " + Quote(work + "/rwdgate.db") + " " + Quote(sql));
    REQUIRE_MESSAGE(edit.exit_code == 0, edit.err);
    v = Verify(out, "--workdir " + Quote(work));
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.out.find("database: object row ") != std::string::npos, v.out);
    CHECK(v.out.find("the row was edited") != std::string::npos);
    CHECK(Verify(out).exit_code == 0);  // the files and the manifest are intact
  }
  SUBCASE("a second run into the same folder appends its segment; both verify") {
    fixtures::ExportOptions more = opt;
    more.patients = 1;
    more.seed = opt.seed + 1;
    const std::string in2 = tmp.File("in2");
    fixtures::WriteSyntheticExport(in2, more);
    GateRun run2 = RunGate(in2, out, work);
    REQUIRE_MESSAGE(run2.cmd.exit_code == 0, run2.cmd.err);
    const int total = run.summary["released"].get<int>() + run2.summary["released"].get<int>();
    v = Verify(out, "--workdir " + Quote(work));
    CHECK_MESSAGE(v.exit_code == 0, v.out);
    CHECK_MESSAGE(v.out.find("OK: " + std::to_string(total) + " object(s) from 2 run(s)") != std::string::npos, v.out);
    CHECK(RunRecipe(out, tmp).exit_code == 0);
  }
  CHECK(Verify(tmp.File("nowhere")).exit_code == 1);
}

TEST_CASE("research.yaml with overrides that keep identifiers: the gate holds them back; what is released verifies") {
  TempDir tmp;
  const std::string work = tmp.File("work"), in = tmp.File("in"), out = tmp.File("out");
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.ct_slices = 2;
  opt.mr_slices = 1;
  opt.with_bad_files = false;
  const fixtures::ExportManifest planted = fixtures::WriteSyntheticExport(in, opt);
  // The de-identifier does what these say; only the gate stands between them and the output.
  WriteText(tmp.File("leaky.yaml"), ReadText(ProfilePath("research.yaml")) + R"yaml(
rules:
  - {keyword: PatientBirthDate, action: keep}
  - {keyword: OperatorsName, action: keep}
  - {keyword: AccessionNumber, action: keep}
)yaml");
  GateRun run = RunGate(in, out, work, tmp.File("leaky.yaml"));
  REQUIRE_MESSAGE(run.summary.is_object(), run.cmd.out, run.cmd.err);
  CHECK(run.summary["gate_quarantined"].get<int>() > 0);
  for (const std::string& file : ListReleased(out)) {
    const std::vector<uint8_t> bytes = ReadBytes(file);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    for (const std::string& token : planted.phi_tokens)
      CHECK_MESSAGE(text.find(token) == std::string_view::npos, "released with a planted identifier");
  }
  const CommandResult reasons = RunShell(
      "sqlite3 " + Quote(work + "/rwdgate.db") +
      " \"SELECT count(*) FROM findings WHERE kind = 'residual_phi'\"");
  CHECK(std::stoi(reasons.out) >= run.summary["gate_quarantined"].get<int>());
  if (run.summary["released"].get<int>() > 0) {
    CommandResult v = Verify(out, "--workdir " + Quote(work));
    CHECK_MESSAGE(v.exit_code == 0, v.out);
    CHECK(RunRecipe(out, tmp).exit_code == 0);
  }
}
