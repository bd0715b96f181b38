// An independent corpus (issue 12): Debian's real DICOM test files (pydicom,
// octave-dicom) sent one by one with storescu, each in its own transfer
// syntax, to `rwdgate listen --profile profiles/research.yaml`: every file
// sent is accounted for, and the results equal those of a folder run of the
// same files with the same key (same counts and reasons, byte-identical output).
#include <doctest/doctest.h>

#include <filesystem>
#include <algorithm>
#include <map>
#include <set>

#include "tests/e2e/e2e_support.h"
#include "tests/net/net_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

// The storescu option that proposes a file's own transfer syntax.
std::string ProposeOption(const std::string& file) {
  const std::string ts = RunShell("dcmdump -q +P 0002,0010 " + Quote(file)).out;
  static const std::map<std::string, std::string> kOption = {
      {"JPEGLossless", "-xs"},     {"JPEGBaseline", "-xy"},   {"JPEGExtended", "-xx"},
      {"JPEG2000LosslessOnly", "-xv"}, {"=JPEG2000 ", "-xw"}, {"JPEGLSLossless", "-xt"},
      {"JPEGLSLossy", "-xu"},      {"RLELossless", "-xr"},    {"Deflated", "-xd"},
      {"BigEndianExplicit", "-xb"}};
  for (const auto& [name, option] : kOption)
    if (ts.find(name) != std::string::npos) return option;
  return "";
}

}  // namespace

TEST_CASE("listen --profile research.yaml on Debian's real DICOM files: all accounted for, same results as a folder run") {
  TempDir t;
  std::vector<std::string> files;
  for (const char* dir : {RWD_PYDICOM_TEST_FILES, RWD_OCTAVE_IMDATA}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file() && e.path().extension() == ".dcm") files.push_back(e.path().string());
  }
  REQUIRE(files.size() >= 40);
  const int port = FreePort();
  const std::string key = "--key " + Quote(t.File("project.key"));
  // The key is created by a first (empty) folder run.
  fs::create_directories(t.File("empty"));
  REQUIRE(RunGate(t.File("empty"), t.File("unused-out"), t.File("unused-work"), ProfilePath("research.yaml"), key)
              .cmd.exit_code == 0);
  Child listen(std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("research.yaml")) +
                   " --workdir " + Quote(t.File("work")) + " --output " + Quote(t.File("out-listen")) + " --port " +
                   std::to_string(port) + " --ae RWDGATE --allow PACS --series-idle 3600 --workers 2 " + key,
               t.File("listen.out"), t.File("listen.err"));
  // Everything is processed when listen stops, as one batch: a series is
  // not split in two by the pace of storescu (slow under ASan), so the
  // counts can equal the folder run's.
  REQUIRE(WaitForPort(port, 30));
  fs::create_directories(t.File("sent"));
  int sent = 0, not_sent = 0;
  std::set<std::string> sop_uids;  // several test files share a SOP Instance (one TS each): which one wins
                                   // would depend on the order of arrival, so each instance is sent once
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    const std::string sop = RunShell("(dcmdump -q " + Quote(f) + " | grep '^(0008,0018)')").out;
    if (!sop.empty() && !sop_uids.insert(sop).second) continue;
    CommandResult r = RunShell("storescu -v " + ProposeOption(f) + " -aet PACS -aec RWDGATE 127.0.0.1 " +
                               std::to_string(port) + " " + Quote(f));
    if ((r.out + r.err).find("Received Store Response (Success)") != std::string::npos) {
      ++sent;
      fs::copy_file(f, t.File("sent/" + std::to_string(sent) + "-" + fs::path(f).filename().string()));
    } else {
      ++not_sent;  // storescu could not send it (no meta header, unknown class, ...): not our object
    }
  }
  MESSAGE(sent << " of " << files.size() << " files sent by storescu");
  CHECK(sent >= 30);
  REQUIRE(listen.Stop(SIGTERM, 180) == 0);
  nlohmann::json l = nlohmann::json::parse(ReadText(t.File("listen.out")), nullptr, false);
  REQUIRE(l.is_object());
  CHECK(l["objects_received"].get<int>() == sent);
  CHECK(l["files"].get<int>() == sent);  // every file sent accounted for

  GateRun folder = RunGate(t.File("sent"), t.File("out-folder"), t.File("work-folder"), ProfilePath("research.yaml"), key);
  REQUIRE(folder.cmd.exit_code == 0);
  for (const char* field : {"files", "released", "quarantined", "rejected", "series", "pixel_regions_redacted"})
    CHECK_MESSAGE(l[field] == folder.summary[field], std::string(field));
  CHECK(l["reasons"] == folder.summary["reasons"]);
  // The same objects released under the same names (pseudonym/study/series/instance). Not byte for
  // byte: storescu may send an implicit VR file as explicit VR (the peer's choice, PS3.5 A.2).
  auto relative = [](const std::string& root) {
    std::set<std::string> out;
    for (const std::string& f : ListReleased(root)) out.insert(fs::relative(f, root).string());
    return out;
  };
  CHECK(relative(t.File("out-listen")) == relative(t.File("out-folder")));
  CHECK(l["released"].get<int>() > 0);
}
