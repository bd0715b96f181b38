// The small parts of the network gateway: cohort CSV, release targets and
// credentials, the allow-list, the batch tracker's closing rule, the spool.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "anonymizer/keyed_ids.h"
#include "gateway/cohort/cohort.h"
#include "gateway/listen/batch_tracker.h"
#include "gateway/listen/spool.h"
#include "gateway/listen/store_scp.h"
#include "gateway/release/release_target.h"
#include "tests/support/test_support.h"

using namespace rwd;
using namespace rwd::gateway;
using namespace rwd::testing;
namespace fs = std::filesystem;

TEST_CASE("cohort: CSV columns by name, quotes, BOM; matched by HMAC; no column is an error") {
  TempDir t;
  anon::KeyedIds ids(std::vector<uint8_t>(32, 7));
  WriteText(t.File("c.csv"), "\xEF\xBB\xBFStudy,\"Patient ID\",Accession_Number\r\nx,\"P,1\",\nx,,ACC9\nx,  P2  ,\n");
  auto c = Cohort::Load(t.File("c.csv"), ids);
  REQUIRE(c.ok());
  CHECK(c->patients() == 2);
  CHECK(c->accessions() == 1);
  CHECK(c->Matches("P,1", ""));
  CHECK(c->Matches("P2", ""));
  CHECK(c->Matches("nobody", "ACC9"));
  CHECK_FALSE(c->Matches("P3", "ACC1"));
  CHECK_FALSE(c->Matches("", ""));
  // Another key, other HMACs: nothing is compared in clear text.
  anon::KeyedIds other(std::vector<uint8_t>(32, 8));
  CHECK(other.DbHmac("P2") != ids.DbHmac("P2"));
  WriteText(t.File("bad.csv"), "Name,Birth\nx,y\n");
  CHECK(Cohort::Load(t.File("bad.csv"), ids).status().code() == ErrorCode::kInvalidArgument);
  WriteText(t.File("empty.csv"), "PatientID\n\n");
  CHECK(Cohort::Load(t.File("empty.csv"), ids).status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("release target: dicom:// and http(s)://; credentials never in the URL; credentials file 0600 only") {
  auto d = ParseReleaseTarget("dicom://RESEARCH@10.1.2.3:11112");
  REQUIRE(d.ok());
  CHECK(d->kind == ReleaseTarget::Kind::kDicom);
  CHECK(d->node.called_ae == "RESEARCH");
  CHECK(d->node.host == "10.1.2.3");
  CHECK(d->node.port == 11112);
  auto h = ParseReleaseTarget("https://pacs.example.org/dicom-web");
  REQUIRE(h.ok());
  CHECK(h->kind == ReleaseTarget::Kind::kStowRs);
  CHECK(ParseReleaseTarget("https://user:pw@pacs.example.org/dicom-web").status().code() == ErrorCode::kInvalidArgument);
  CHECK_FALSE(ParseReleaseTarget("dicom://TOOLONGAETITLEXXXXX@h:104").ok());
  CHECK_FALSE(ParseReleaseTarget("dicom://AE@h:99999").ok());
  CHECK_FALSE(ParseReleaseTarget("ftp://h/x").ok());
  TempDir t;
  WriteText(t.File("creds"), "user:secret\r\n");
  ::chmod(t.File("creds").c_str(), 0644);
  CHECK(ReadCredentials(t.File("creds")).status().code() == ErrorCode::kUnsafe);
  ::chmod(t.File("creds").c_str(), 0600);
  auto c = ReadCredentials(t.File("creds"));
  REQUIRE(c.ok());
  CHECK(*c == "user:secret");
  CHECK(MakeRemoteSink(*d, "", "MYAE", RetryPolicy{})->target() == "dicom://RESEARCH@10.1.2.3:11112");
}

TEST_CASE("allow-list: AE[@host] entries") {
  auto a = ParseAllowList({"PACS", " CT1@10.0.0.5 "});
  REQUIRE(a.ok());
  REQUIRE(a->size() == 2);
  CHECK((*a)[0].ae == "PACS");
  CHECK((*a)[0].host.empty());
  CHECK((*a)[1].ae == "CT1");
  CHECK((*a)[1].host == "10.0.0.5");
  CHECK_FALSE(ParseAllowList({}).ok());
  CHECK_FALSE(ParseAllowList({"AE@"}).ok());
  CHECK_FALSE(ParseAllowList({"@host"}).ok());
}

TEST_CASE("batch tracker: complete only when its associations ended and it was idle; later associations get a new batch") {
  int n = 0;
  BatchTracker tracker([&] { return "b" + std::to_string(n++); }, 0.2, 3600);
  const std::string a = tracker.AssociationStarted();
  const std::string b = tracker.AssociationStarted();
  CHECK(a == b);  // concurrent associations share the open batch
  tracker.ObjectArrived(a);
  tracker.AssociationEnded(a);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(tracker.TakeComplete(false).has_value());  // one association still open
  tracker.ObjectArrived(b);
  tracker.AssociationEnded(b);
  CHECK_FALSE(tracker.TakeComplete(false).has_value());  // not idle yet
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto done = tracker.TakeComplete(false);
  REQUIRE(done.has_value());
  CHECK(*done == a);
  CHECK(tracker.AssociationStarted() != a);  // a new batch
  CHECK(tracker.open_associations() == 1);
  // At shutdown, a batch without objects is dropped, not processed.
  tracker.AssociationEnded("b1");
  CHECK_FALSE(tracker.TakeComplete(true).has_value());
  // A batch older than max_age takes no new associations.
  BatchTracker young([&] { return "y" + std::to_string(n++); }, 0.1, 0.0);
  const std::string y1 = young.AssociationStarted();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(young.AssociationStarted() != y1);
}

TEST_CASE("spool: commit makes the object visible in its batch; leftovers of a crash are removed; free space check") {
  TempDir t;
  fs::create_directories(t.File("work/spool/incoming"));
  WriteText(t.File("work/spool/incoming/old.part"), "partial");
  auto spool = Spool::Open(t.File("work"), 0);
  REQUIRE(spool.ok());
  CHECK_FALSE(fs::exists(t.File("work/spool/incoming/old.part")));
  CHECK_FALSE(spool->LowOnSpace());
  const std::string batch = spool->NewBatchName();
  CHECK(spool->NewBatchName() > batch);  // sortable
  const std::string in = spool->NewIncomingPath();
  WriteText(in, "object");
  REQUIRE(spool->Commit(in, batch).ok());
  CHECK_FALSE(fs::exists(in));
  CHECK(ListFiles(spool->BatchDir(batch)).size() == 1);
  CHECK(spool->ExistingBatches() == std::vector<std::string>{batch});
  REQUIRE(spool->RemoveBatch(batch).ok());
  CHECK(spool->ExistingBatches().empty());
  auto full = Spool::Open(t.File("work"), ~0ull);
  REQUIRE(full.ok());
  CHECK(full->LowOnSpace());
}
