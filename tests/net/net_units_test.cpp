// The small parts of the network gateway: cohort CSV, release targets and
// credentials, the allow-list, the batch tracker's closing rule, the spool,
// the TLS file checks, the storage SOP classes and transfer syntaxes offered.
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
#include "gateway/listen/storage_contexts.h"
#include "gateway/release/release_target.h"
#include "gateway/tls/tls_files.h"
#include "rules/standard_tables.h"
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
  CHECK_FALSE(d->node.tls);
  auto s = ParseReleaseTarget("dicoms://RESEARCH@pacs.example.org:2762");
  REQUIRE(s.ok());
  CHECK(s->node.tls);
  CHECK(s->node.host == "pacs.example.org");
  CHECK(s->node.port == 2762);
  CHECK(MakeRemoteSink(*s, "", "MYAE", RetryPolicy{})->target() == "dicoms://RESEARCH@pacs.example.org:2762");
}

TEST_CASE("TLS files: all three or none; the private key owner-only") {
  TempDir t;
  for (const char* f : {"c.pem", "k.pem", "ca.pem"}) WriteText(t.File(f), "x\n");
  ::chmod(t.File("k.pem").c_str(), 0600);
  CHECK(CheckTlsFiles({}, "--tls-").ok());
  Status partial = CheckTlsFiles({t.File("c.pem"), t.File("k.pem"), ""}, "--tls-");
  CHECK(partial.code() == ErrorCode::kInvalidArgument);
  CHECK(partial.message().find("--tls-ca") != std::string::npos);
  CHECK(CheckTlsFiles({t.File("c.pem"), t.File("k.pem"), t.File("ca.pem")}, "--tls-").ok());
  CHECK(CheckTlsFiles({t.File("c.pem"), t.File("k.pem"), t.File("nope.pem")}, "--tls-").code() == ErrorCode::kIoError);
  for (mode_t loose : {0640, 0604}) {
    ::chmod(t.File("k.pem").c_str(), loose);
    CHECK(CheckTlsFiles({t.File("c.pem"), t.File("k.pem"), t.File("ca.pem")}, "--release-tls-").code() ==
          ErrorCode::kUnsafe);
  }
}

TEST_CASE("listen offers every storage SOP class of DCMTK and of PS3.6, and no DICOMDIR or Storage Commitment") {
  const std::vector<std::string>& offered = AcceptedStorageSopClasses();
  CHECK(std::is_sorted(offered.begin(), offered.end()));
  auto has = [&](const std::string& uid) { return std::binary_search(offered.begin(), offered.end(), uid); };
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) CHECK(has(dcmAllStorageSOPClassUIDs[i]));
  for (const rules::StorageSopClass& c : rules::StandardStorageSopClasses()) CHECK_MESSAGE(has(c.uid), c.name);
  CHECK(offered.size() > static_cast<size_t>(numberOfDcmAllStorageSOPClassUIDs));
  CHECK(has("1.2.840.10008.5.1.4.1.1.6.3"));  // Photoacoustic Image Storage (2023), unknown to DCMTK 3.6.7
  CHECK_FALSE(has("1.2.840.10008.1.3.10"));   // Media Storage Directory Storage
  CHECK_FALSE(has("1.2.840.10008.1.20.1"));   // Storage Commitment Push Model
  CHECK_FALSE(has("1.2.840.10008.1.1"));      // Verification: its own context
  // Transfer syntaxes: the uncompressed ones first, every encapsulated one DCMTK stores, no JPIP.
  const std::vector<std::string>& ts = StorableTransferSyntaxes();
  REQUIRE(ts.size() > 3);
  CHECK(ts[0] == UID_LittleEndianExplicitTransferSyntax);
  for (const char* uid : {UID_RLELosslessTransferSyntax, UID_JPEGProcess14SV1TransferSyntax, UID_JPEGLSLosslessTransferSyntax,
                          UID_JPEG2000TransferSyntax, UID_HEVCMain10ProfileLevel5_1TransferSyntax,
                          UID_DeflatedExplicitVRLittleEndianTransferSyntax})
    CHECK(std::find(ts.begin(), ts.end(), uid) != ts.end());
  CHECK(std::find(ts.begin(), ts.end(), UID_JPIPReferencedTransferSyntax) == ts.end());
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
