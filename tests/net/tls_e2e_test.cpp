// DICOM TLS (issue 12) with real peers on loopback: DCMTK's storescu over
// TLS to `rwdgate listen --tls-*` (objects released; a client whose
// certificate comes from another CA and a plain-TCP client are both refused
// and nothing of theirs is received; a silent connection delays the others
// by the handshake bound only), and `--release-to dicoms://` to
// DCMTK's storescp over TLS (byte-identical datasets; a peer whose
// certificate does not name the host we called gets nothing).
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/crypto.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/net/net_support.h"
#include "tests/net/test_certificates.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

std::string Files(const std::string& root, const std::vector<std::string>& rel) {
  std::string s;
  for (const std::string& r : rel) s += " " + Quote(root + "/" + r);
  return s;
}

std::string ListenBase(TempDir& t, int port) {
  return std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("basic.yaml")) + " --workdir " +
         Quote(t.File("work")) + " --output " + Quote(t.File("out")) + " --port " + std::to_string(port) +
         " --ae RWDGATE --allow PACS --series-idle 1 --workers 2";
}

std::multiset<std::string> DatasetHashes(const std::vector<std::string>& files) {
  std::multiset<std::string> out;
  for (const std::string& f : files) out.insert(Sha256Hex(DatasetBytes(ReadBytes(f))));
  return out;
}

}  // namespace

TEST_CASE("listen --tls-*: storescu with a certificate of our CA is served; another CA's client and plain TCP are refused") {
  TempDir t;
  TestCertificates c;
  REQUIRE(MakeTestCertificates(t.File("pki"), c));
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.mr_slices = 0;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), opt);
  std::vector<std::string> good, rogue;  // patient 1 from the trusted node, patient 2 from the others
  for (const std::string& rel : manifest.dicom_files) (rel.rfind("PAT0001/", 0) == 0 ? good : rogue).push_back(rel);
  REQUIRE(!good.empty());
  REQUIRE(!rogue.empty());
  const int port = FreePort();
  const std::string tls = " --tls-cert " + Quote(c.server_cert) + " --tls-key " + Quote(c.server_key) + " --tls-ca " + Quote(c.ca);

  // Usage errors, before anything is opened: a partial set, a key others can read.
  CommandResult partial = RunShell(ListenBase(t, port) + " --tls-cert " + Quote(c.server_cert) + " --tls-key " + Quote(c.server_key));
  CHECK(partial.exit_code == 2);
  CHECK(partial.err.find("--tls-ca") != std::string::npos);
  RunShell("cp " + Quote(c.server_key) + " " + Quote(t.File("loose.key")) + " && chmod 644 " + Quote(t.File("loose.key")));
  CommandResult loose = RunShell(ListenBase(t, port) + " --tls-cert " + Quote(c.server_cert) + " --tls-key " +
                                 Quote(t.File("loose.key")) + " --tls-ca " + Quote(c.ca));
  CHECK(loose.exit_code == 2);
  CHECK(loose.err.find("chmod 600") != std::string::npos);
  CommandResult mismatch = RunShell(ListenBase(t, port) + " --tls-cert " + Quote(c.server_cert) + " --tls-key " +
                                    Quote(c.client_key) + " --tls-ca " + Quote(c.ca));
  CHECK(mismatch.exit_code == 2);
  CHECK(!fs::exists(t.File("work/rwdgate.db")));

  Child listen(ListenBase(t, port) + tls, t.File("listen.out"), t.File("listen.err"));
  REQUIRE(WaitForPort(port, 20));
  const std::string to = " -aet PACS -aec RWDGATE 127.0.0.1 " + std::to_string(port);
  // Another CA's client: its certificate does not verify, the handshake fails.
  CommandResult other = RunShell("storescu +tls " + Quote(c.other_key) + " " + Quote(c.other_cert) + " +cf " +
                                 Quote(c.ca) + to + Files(t.File("in"), rogue));
  CHECK(other.exit_code != 0);
  // Plain TCP to the TLS port.
  CommandResult plain = RunShell("storescu" + to + Files(t.File("in"), rogue));
  CHECK(plain.exit_code != 0);
  // A peer that connects and stays silent holds the handshake (in the
  // accept loop) for at most 10 s: the trusted node is served after it.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the accept loop takes it first
  // The trusted node (its client certificate is checked against our CA; it checks ours).
  CommandResult ok = RunShell("timeout 40 storescu +tls " + Quote(c.client_key) + " " + Quote(c.client_cert) +
                              " +cf " + Quote(c.ca) + to + Files(t.File("in"), good));
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  ::close(silent);
  REQUIRE(listen.Stop(SIGTERM, 120) == 0);

  nlohmann::json s = nlohmann::json::parse(ReadText(t.File("listen.out")), nullptr, false);
  REQUIRE(s.is_object());
  CHECK(s["objects_received"].get<size_t>() == good.size());  // nothing of the refused ones
  CHECK(s["released"].get<size_t>() == good.size());
  CHECK(s["files"].get<size_t>() == good.size());
  CHECK(s["associations"]["accepted"].get<int>() == 1);
  CHECK(s["associations"]["refused"].get<int>() >= 3);  // other CA, plain TCP, the silent one
  CHECK(ListReleased(t.File("out")).size() == good.size());
  CHECK(ListFiles(t.File("work/spool")).empty());
  // Every refusal logged with the address, nothing of the certificates or the objects.
  const std::string err = ReadText(t.File("listen.err"));
  CHECK(err.find("TLS handshake failed, connection dropped: from 127.0.0.1") != std::string::npos);
  CHECK(err.find("RogueNodeXYZ") == std::string::npos);
  for (const std::string& token : manifest.phi_tokens) CHECK_MESSAGE(err.find(token) == std::string::npos, token);
}

TEST_CASE("release --release-to dicoms://: storescp over TLS gets byte-identical datasets; a certificate for another name gets nothing") {
  TempDir t;
  TestCertificates c;
  REQUIRE(MakeTestCertificates(t.File("pki"), c));
  fixtures::ExportOptions opt;
  opt.patients = 1;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), opt);
  const size_t n = manifest.dicom_files.size();
  const std::string key = "--key " + Quote(t.File("project.key"));
  GateRun ref = RunGate(t.File("in"), t.File("ref-out"), t.File("ref-work"), ProfilePath("basic.yaml"), key);
  REQUIRE_MESSAGE(ref.cmd.exit_code == 0, ref.cmd.err);
  REQUIRE(ref.summary["released"].get<size_t>() == n);

  const int port = FreePort();
  fs::create_directories(t.File("peer"));
  // DCMTK's storescp over TLS: requires our client certificate (of its CA), writes datasets as received.
  Child peer("storescp +tls " + Quote(c.server_key) + " " + Quote(c.server_cert) + " +cf " + Quote(c.ca) +
                 " -aet RESEARCH -v +v +B -od " + Quote(t.File("peer")) + " " + std::to_string(port),
             t.File("peer.out"), t.File("peer.err"));
  REQUIRE(WaitForPort(port, 20));
  auto run = [&](const std::string& work, const std::string& host, const std::string& extra) {
    return RunShell(std::string(RWDGATE_BIN) + " run --json --quiet --profile " + Quote(ProfilePath("basic.yaml")) +
                    " --input " + Quote(t.File("in")) + " --workdir " + Quote(t.File(work)) + " " + key +
                    " --release-to dicoms://RESEARCH@" + host + ":" + std::to_string(port) + " " + extra);
  };
  const std::string client = "--release-tls-cert " + Quote(c.client_cert) + " --release-tls-key " +
                             Quote(c.client_key) + " --release-tls-ca " + Quote(c.ca);
  CHECK(run("work-usage", "127.0.0.1", "").exit_code == 2);  // dicoms:// without the files
  CHECK(RunShell(std::string(RWDGATE_BIN) + " run --quiet --profile " + Quote(ProfilePath("basic.yaml")) + " --input " +
                 Quote(t.File("in")) + " --workdir " + Quote(t.File("work-usage")) + " --output " + Quote(t.File("o")) +
                 " " + client).exit_code == 2);  // TLS files without a dicoms:// target

  // "localhost" is not the name in the peer's certificate (IP:127.0.0.1 only): nothing is sent.
  CommandResult wrong = run("work-name", "localhost", client);
  REQUIRE_MESSAGE(wrong.exit_code == 0, wrong.err);
  nlohmann::json w = nlohmann::json::parse(wrong.out);
  CHECK(w["release_pending"].get<size_t>() == n);
  CHECK(ListFiles(t.File("peer")).empty());

  CommandResult sent = run("work", "127.0.0.1", client);
  REQUIRE_MESSAGE(sent.exit_code == 0, sent.err);
  nlohmann::json s = nlohmann::json::parse(sent.out);
  CHECK(s["released"].get<size_t>() == n);
  CHECK(s["release_pending"].get<int>() == 0);
  peer.Stop(SIGTERM, 10);
  const std::vector<std::string> got = ListFiles(t.File("peer"));
  REQUIRE(got.size() == n);
  // One association per series, each proposing only what its files need:
  // one SOP class here (CT or MR Image Storage), in one context.
  const std::string log = ReadText(t.File("peer.out")) + ReadText(t.File("peer.err"));
  auto count = [&](const std::string& what) {
    size_t k = 0;
    for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++k;
    return k;
  };
  CHECK(count("Association Received") == s["series"].get<size_t>());
  CHECK(count("(Proposed)") == s["series"].get<size_t>());
  // The SCU sends implicit VR objects as explicit VR little endian when the
  // peer prefers it (storescp does): convert the reference the same way.
  std::vector<std::string> reference;
  for (const std::string& f : ListReleased(t.File("ref-out"))) {
    if (RunShell("(dcmdump -q +P 0002,0010 " + Quote(f) + " | grep -q LittleEndianImplicit)").exit_code == 0) {
      REQUIRE(RunShell("dcmconv +te " + Quote(f) + " " + Quote(f + ".te")).exit_code == 0);
      reference.push_back(f + ".te");
    } else {
      reference.push_back(f);
    }
  }
  CHECK(DatasetHashes(got) == DatasetHashes(reference));
}
