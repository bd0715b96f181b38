// Every storage SOP class (issue 12): `rwdgate listen` accepts storage SOP
// classes beyond the 120 of DCMTK's "long SCU" list (the limit of DcmSCP's
// association profile, 128 contexts) and the classes of PS3.6 that
// Debian's DCMTK 3.6.7 does not know yet. storescu -R proposes exactly the
// files' classes; dcmsend --no-uid-checks sends the classes DCMTK does not know.
#include <doctest/doctest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <set>

#include "rules/standard_tables.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/net/net_support.h"

using namespace rwd;
using namespace rwd::testing;

namespace {

// Storage classes from the end of dcmAllStorageSOPClassUIDs that DcmSCP-based
// listeners did not offer (not among dcmLongSCUStorageSOPClassUIDs).
std::vector<std::string> DcmtkClassesBeyondTheLongList(size_t count) {
  std::set<std::string> offered(dcmLongSCUStorageSOPClassUIDs,
                                dcmLongSCUStorageSOPClassUIDs + numberOfDcmLongSCUStorageSOPClassUIDs);
  std::vector<std::string> out;
  for (int i = numberOfDcmAllStorageSOPClassUIDs - 1; i >= 0 && out.size() < count; --i)
    if (!offered.count(dcmAllStorageSOPClassUIDs[i])) out.push_back(dcmAllStorageSOPClassUIDs[i]);
  return out;
}

// Storage classes of the standard (PS3.6 Table A-1) that DCMTK 3.6.7 does not list.
std::vector<std::string> StandardOnlyClasses(size_t count) {
  std::set<std::string> known(dcmAllStorageSOPClassUIDs, dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
  std::vector<std::string> out;
  for (const rules::StorageSopClass& c : rules::StandardStorageSopClasses())
    if (!known.count(c.uid) && out.size() < count) out.push_back(c.uid);
  return out;
}

std::string TopLevel(const std::string& file, const std::string& tag) {
  CommandResult r = RunShell("(dcmdump -q -Un " + Quote(file) + " | grep '^(" + tag + ")')");
  const size_t a = r.out.find('['), b = r.out.find(']');
  return a == std::string::npos || b == std::string::npos ? "" : r.out.substr(a + 1, b - a - 1);
}

}  // namespace

TEST_CASE("listen accepts and stores storage SOP classes beyond DcmSCP's 120, and the standard's newer ones") {
  TempDir t;
  const std::vector<std::string> beyond = DcmtkClassesBeyondTheLongList(3);
  const std::vector<std::string> newer = StandardOnlyClasses(2);
  REQUIRE(beyond.size() == 3);
  REQUIRE(newer.size() == 2);
  fixtures::ExportOptions opt;
  opt.patients = 1;
  opt.ct_slices = 3;
  opt.mr_slices = 0;
  opt.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), opt);
  REQUIRE(manifest.dicom_files.size() >= 5);  // the first five get the classes and are sent
  std::vector<std::string> classes = beyond;
  classes.insert(classes.end(), newer.begin(), newer.end());
  std::string known_files, newer_files;
  for (size_t i = 0; i < classes.size(); ++i) {
    const std::string f = t.File("in/" + manifest.dicom_files[i]);
    REQUIRE(RunShell("dcmodify -nb -m " + Quote("(0008,0016)=" + classes[i]) + " " + Quote(f)).exit_code == 0);
    REQUIRE(TopLevel(f, "0002,0002") == classes[i]);  // the meta header follows
    (i < beyond.size() ? known_files : newer_files) += " " + Quote(f);
  }

  const int port = FreePort();
  Child listen(std::string(RWDGATE_BIN) + " listen --json --profile " + Quote(ProfilePath("basic.yaml")) +
                   " --workdir " + Quote(t.File("work")) + " --output " + Quote(t.File("out")) + " --port " +
                   std::to_string(port) + " --ae RWDGATE --allow PACS --series-idle 1 --workers 2",
               t.File("listen.out"), t.File("listen.err"));
  REQUIRE(WaitForPort(port, 20));
  const std::string to = " -aet PACS -aec RWDGATE 127.0.0.1 " + std::to_string(port);
  CommandResult a = RunShell("storescu -R" + to + known_files);
  CHECK_MESSAGE(a.exit_code == 0, a.err);
  CHECK(a.err.find("No presentation context") == std::string::npos);
  CommandResult b = RunShell("dcmsend --no-uid-checks" + to + newer_files);
  CHECK_MESSAGE(b.exit_code == 0, std::string(b.out + b.err));
  REQUIRE(listen.Stop(SIGTERM, 120) == 0);

  nlohmann::json s = nlohmann::json::parse(ReadText(t.File("listen.out")), nullptr, false);
  REQUIRE(s.is_object());
  CHECK(s["objects_received"].get<size_t>() == classes.size());
  CHECK(s["released"].get<size_t>() == classes.size());
  // What was released carries the SOP classes that were sent.
  std::multiset<std::string> released, sent(classes.begin(), classes.end());
  for (const std::string& f : ListReleased(t.File("out"))) released.insert(TopLevel(f, "0008,0016"));
  CHECK(released == sent);
}
