// rwdgate listen with real peers on loopback (issue 12): DCMTK's storescu
// sends a cohort in mixed transfer syntaxes (JPEG lossless, RLE, explicit
// and implicit little endian) to rwdgate listen, which releases to Debian's
// Orthanc by C-STORE; an unknown calling AE is refused; what Orthanc holds
// is read back through its REST API and compared with a folder run of the
// same files and key.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/crypto.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/net/net_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

// The top-level value of a tag, read with dcmdump (lines of nested items are indented).
std::string TopLevel(const std::string& file, const std::string& tag) {
  // (RunShell redirects stdin: a pipeline goes in parentheses.)
  CommandResult r = RunShell("(dcmdump -q " + Quote(file) + " | grep '^(" + tag + ")')");
  const size_t a = r.out.find('['), b = r.out.find(']');
  return a == std::string::npos || b == std::string::npos ? "" : r.out.substr(a + 1, b - a - 1);
}

std::string ListenCommand(const std::string& work, const std::string& target, int port, const std::string& extra) {
  return std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("basic.yaml")) + " --workdir " +
         Quote(work) + " " + target + " --port " + std::to_string(port) +
         " --ae RWDGATE --allow PACS,OTHERNODE@10.9.9.9 --series-idle 1 --workers 2 " + extra;
}

bool ContainsAny(const std::vector<uint8_t>& bytes, const std::vector<std::string>& tokens) {
  const std::string s(bytes.begin(), bytes.end());
  for (const std::string& t : tokens)
    if (s.find(t) != std::string::npos) return true;
  return false;
}

std::multiset<std::string> DatasetHashes(const std::vector<std::string>& files) {
  std::multiset<std::string> out;
  for (const std::string& f : files) out.insert(Sha256Hex(DatasetBytes(ReadBytes(f))));
  return out;
}

}  // namespace

TEST_CASE("listen: storescu -> rwdgate listen (cohort, JPEG + RLE) -> Orthanc; unknown AE refused") {
  TempDir t;
  fixtures::ExportOptions opt;
  opt.patients = 3;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), opt);
  // Mixed transfer syntaxes: one series JPEG lossless (process 14 SV1), one RLE.
  int jpeg = 0, rle = 0;
  for (const std::string& rel : manifest.dicom_files) {
    const std::string f = t.File("in/" + rel);
    if (rel.rfind("PAT0001/STUDY01/SER001/", 0) == 0) {
      REQUIRE(RunShell("dcmcjpeg " + Quote(f) + " " + Quote(f + ".j") + " && mv " + Quote(f + ".j") + " " + Quote(f)).exit_code == 0);
      ++jpeg;
    } else if (rel.rfind("PAT0002/STUDY01/SER001/", 0) == 0) {
      REQUIRE(RunShell("dcmcrle " + Quote(f) + " " + Quote(f + ".r") + " && mv " + Quote(f + ".r") + " " + Quote(f)).exit_code == 0);
      ++rle;
    }
  }
  REQUIRE(jpeg > 0);
  REQUIRE(rle > 0);
  CHECK(RunShell("(dcmdump -q " + Quote(t.File("in/PAT0001/STUDY01/SER001/IM00001")) + " | grep -q 'JPEGLossless')").exit_code == 0);
  CHECK(RunShell("(dcmdump -q " + Quote(t.File("in/PAT0002/STUDY01/SER001/IM00001")) + " | grep -q 'RLELossless')").exit_code == 0);

  // The cohort: patient 1 by Patient ID, patient 2's first study by Accession Number; patient 3 not.
  const std::string pid1 = TopLevel(t.File("in/PAT0001/STUDY01/SER001/IM00001"), "0010,0020");
  const std::string acc2 = TopLevel(t.File("in/PAT0002/STUDY01/SER001/IM00001"), "0008,0050");
  REQUIRE(!pid1.empty());
  REQUIRE(!acc2.empty());
  WriteText(t.File("cohort.csv"), "PatientID,AccessionNumber,Note\n" + pid1 + ",,first\n," + acc2 + ",second\n");
  size_t in_cohort = 0;
  for (const std::string& rel : manifest.dicom_files) {
    const std::string f = t.File("in/" + rel);
    if (TopLevel(f, "0010,0020") == pid1 || TopLevel(f, "0008,0050") == acc2) ++in_cohort;
  }
  REQUIRE(in_cohort > 0);
  REQUIRE(in_cohort < manifest.dicom_files.size());

  // The reference: a folder run of the same files with the same key.
  // (the key is created by this first run)
  GateRun ref = RunGate(t.File("in"), t.File("ref-out"), t.File("ref-work"), ProfilePath("basic.yaml"),
                        "--key " + Quote(t.File("project.key")) + " --cohort " + Quote(t.File("cohort.csv")));
  REQUIRE_MESSAGE(ref.cmd.exit_code == 0, ref.cmd.err);
  REQUIRE(ref.summary["released"].get<size_t>() == in_cohort);

  fs::create_directories(t.File("orthanc"));
  Orthanc orthanc(t.File("orthanc"));
  REQUIRE(orthanc.Start());
  const int port = FreePort();
  Child listen(ListenCommand(t.File("work"), "--release-to dicom://ORTHANC@127.0.0.1:" + std::to_string(orthanc.dicom_port()),
                             port, "--key " + Quote(t.File("project.key")) + " --cohort " + Quote(t.File("cohort.csv"))),
               t.File("listen.out"), t.File("listen.err"));
  REQUIRE(WaitForPort(port, 20));

  // An unknown calling AE is refused, and the refusal is logged with AE and address only.
  CommandResult bad = RunShell("storescu -aet INTRUDER -aec RWDGATE 127.0.0.1 " + std::to_string(port) + " +sd +r " +
                               Quote(t.File("in")));
  CHECK(bad.exit_code != 0);
  CHECK((bad.out + bad.err).find("Calling AE Title Not Recognized") != std::string::npos);
  // The allowed node sends everything: one association per transfer syntax
  // group (storescu proposes JPEG lossless with -xs, RLE with -xr).
  std::string jpeg_files, rle_files, plain_files;
  for (const std::string& rel : manifest.dicom_files) {
    const std::string q = " " + Quote(t.File("in/" + rel));
    if (rel.rfind("PAT0001/STUDY01/SER001/", 0) == 0) jpeg_files += q;
    else if (rel.rfind("PAT0002/STUDY01/SER001/", 0) == 0) rle_files += q;
    else plain_files += q;
  }
  const std::string scu = "storescu -aet PACS -aec RWDGATE 127.0.0.1 " + std::to_string(port) + " ";
  CHECK(RunShell(scu + "-xs" + jpeg_files).exit_code == 0);
  CHECK(RunShell(scu + "-xr" + rle_files).exit_code == 0);
  CHECK(RunShell(scu + plain_files).exit_code == 0);
  const int stopped = listen.Stop(SIGTERM, 120);
  CHECK(stopped == 0);
  const std::string err = ReadText(t.File("listen.err"));
  CHECK(err.find("association refused") != std::string::npos);
  CHECK(err.find("'INTRUDER'") != std::string::npos);
  CHECK(!ContainsAny(std::vector<uint8_t>(err.begin(), err.end()), manifest.phi_tokens));
  nlohmann::json summary = nlohmann::json::parse(ReadText(t.File("listen.out")), nullptr, false);
  REQUIRE(summary.is_object());
  // Every file sent is accounted for.
  CHECK(summary["objects_received"].get<size_t>() == manifest.dicom_files.size());
  CHECK(summary["files"].get<size_t>() == manifest.dicom_files.size());
  CHECK(summary["released"].get<size_t>() == in_cohort);
  CHECK(summary["rejected"].get<size_t>() == manifest.dicom_files.size() - in_cohort);
  CHECK(summary["reasons"].dump().find("not in the cohort") != std::string::npos);
  CHECK(summary["release_pending"].get<int>() == 0);
  CHECK(summary["associations"]["refused"].get<int>() >= 1);
  // Nothing left in the spool or staging; nothing of the others in the quarantine.
  CHECK(ListFiles(t.File("work/spool")).empty());
  CHECK(ListFiles(t.File("work/staging")).empty());
  CHECK(ListFiles(t.File("work/quarantine")).empty());

  // Orthanc holds what rwdgate released: same count, same bytes as the
  // folder run (dataset part: Orthanc writes its own file meta group), no PHI.
  const auto got = orthanc.DownloadAll(t.File("from-orthanc"));
  CHECK(got.size() == in_cohort);
  // Implicit VR files travel as explicit VR little endian when the peer
  // prefers it (PS3.5 A.2): the folder run's copies are converted the same
  // way (dcmconv +te) before the comparison.
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
  for (const std::string& f : got) CHECK_MESSAGE(!ContainsAny(ReadBytes(f), manifest.phi_tokens), f);
  // Compressed objects arrived compressed (the pixel data was not touched).
  int jpeg_at_orthanc = 0, rle_at_orthanc = 0;
  for (const std::string& f : got) {
    const std::string ts = RunShell("dcmdump -q +P 0002,0010 " + Quote(f)).out;
    jpeg_at_orthanc += ts.find("JPEGLossless") != std::string::npos;
    rle_at_orthanc += ts.find("RLELossless") != std::string::npos;
  }
  CHECK(jpeg_at_orthanc == jpeg);
  CHECK(rle_at_orthanc == rle);
}

TEST_CASE("release: STOW-RS to Orthanc's DICOMweb, and a C-STORE peer down at first gets everything on the retry") {
  TempDir t;
  fixtures::ExportOptions opt;
  opt.patients = 2;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), opt);
  const size_t n = manifest.dicom_files.size();
  fs::create_directories(t.File("orthanc"));
  Orthanc orthanc(t.File("orthanc"));

  // Down: every series stays 'releasing', nothing lost, exit 0.
  const std::string dicom = "--release-to dicom://ORTHANC@127.0.0.1:" + std::to_string(orthanc.dicom_port());
  auto run_in = [&](const std::string& work) {
    return std::string(RWDGATE_BIN) + " run --json --quiet --profile " + Quote(ProfilePath("basic.yaml")) + " --input " +
           Quote(t.File("in")) + " --workdir " + Quote(t.File(work)) + " ";
  };
  const std::string base = run_in("work");
  CommandResult down = RunShell(base + dicom);
  REQUIRE(down.exit_code == 0);
  nlohmann::json s1 = nlohmann::json::parse(down.out);
  CHECK(s1["release_pending"].get<size_t>() == n);
  CHECK(s1["released"].get<int>() == 0);
  CHECK(ListFiles(t.File("work/staging")).size() == n);  // kept for the retry

  // Up: the next (incremental, nothing new) run sends exactly what was pending.
  REQUIRE(orthanc.Start());
  CommandResult up = RunShell(base + dicom + " --incremental");
  REQUIRE(up.exit_code == 0);
  nlohmann::json s2 = nlohmann::json::parse(up.out);
  CHECK(s2["release_pending"].get<int>() == 0);
  CHECK(s2["files"].get<int>() == 0);
  CHECK(s2["recovered_series"].get<int>() == s1["series"].get<int>());
  CHECK(ListFiles(t.File("work/staging")).empty());
  nlohmann::json stats = orthanc.GetJson("/statistics");
  CHECK(stats["CountInstances"].get<size_t>() == n);
  CHECK(RunShell("sqlite3 " + Quote(t.File("work/rwdgate.db")) + " 'SELECT count(*), count(DISTINCT object_id) FROM deliveries'").out ==
        std::to_string(n) + "|" + std::to_string(n) + "\n");

  // STOW-RS into the same Orthanc after deleting everything: whole files byte-identical to the released rows.
  for (const auto& id : orthanc.GetJson("/patients")) RunShell("curl -sf -X DELETE " + Quote(orthanc.Url("/patients/" + id.get<std::string>())));
  REQUIRE(orthanc.GetJson("/statistics")["CountInstances"].get<int>() == 0);
  WriteText(t.File("creds"), "user:secret\n");
  CommandResult loose = RunShell(run_in("work-stow") + "--release-to " + Quote(orthanc.Url("/dicom-web")) + " --credentials " + Quote(t.File("creds")));
  CHECK(loose.exit_code == 2);  // a credentials file others may read is refused
  RunShell("chmod 600 " + Quote(t.File("creds")));
  CommandResult stow = RunShell(run_in("work-stow") + "--release-to " + Quote(orthanc.Url("/dicom-web")) +
                                " --credentials " + Quote(t.File("creds")));
  REQUIRE(stow.exit_code == 0);
  nlohmann::json s3 = nlohmann::json::parse(stow.out);
  CHECK(s3["released"].get<size_t>() == n);
  CHECK(s3["release_pending"].get<int>() == 0);
  const auto got = orthanc.DownloadAll(t.File("from-orthanc"));
  REQUIRE(got.size() == n);
  std::multiset<std::string> at_orthanc, released;
  for (const std::string& f : got) at_orthanc.insert(Sha256Hex(ReadBytes(f)));
  for (const std::string& line :
       [&] {
         std::vector<std::string> v;
         std::string out = RunShell("sqlite3 " + Quote(t.File("work-stow/rwdgate.db")) +
                                    " \"SELECT sha256_out FROM objects WHERE state = 'released'\"").out;
         for (size_t a = 0, b; (b = out.find('\n', a)) != std::string::npos; a = b + 1) v.push_back(out.substr(a, b - a));
         return v;
       }())
    released.insert(line);
  CHECK(at_orthanc == released);
  for (const std::string& f : got) CHECK(!ContainsAny(ReadBytes(f), manifest.phi_tokens));
}
