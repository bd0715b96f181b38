// The series phase: series stages see whole series of staged objects and can
// hold back a series or single objects; a failing stage quarantines its
// series and the run goes on; nothing held back reaches the output.
#include <doctest/doctest.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <map>

#include "anonymizer/keyed_ids.h"
#include "db/provenance_store.h"
#include "gateway/pipeline.h"
#include "gateway/series/geometry_stage.h"
#include "rules/profile_loader.h"
#include "tests/fixtures/synthetic_export.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::gateway;
using namespace rwd::testing;

namespace {

// Test double: holds back every MR series whole, fails (throws) on the first
// CT series it is given, and holds back one object of every other CT series.
struct Choices {
  std::atomic<bool> thrown{false};
};

class DoubleStage : public SeriesStage {
 public:
  explicit DoubleStage(Choices& c) : c_(c) {}
  const char* name() const override { return "double"; }
  SeriesResult Run(SeriesContext& s) override {
    if (s.modality == "MR") return SeriesResult::Quarantine(ErrorCode::kUnsafe, "test double holds MR back");
    if (!c_.thrown.exchange(true)) throw std::runtime_error("test double fails");
    s.Quarantine(0, ErrorCode::kUnsafe, "test double holds the first object back", name());
    return SeriesResult::Continue();
  }

 private:
  Choices& c_;
};

struct Row {
  std::string state, reason, stage, output_path;
};

}  // namespace

TEST_CASE("a series stage holds one series back whole, another fails: both quarantined, the run goes on") {
  TempDir t;
  fixtures::ExportOptions o;
  o.patients = 3;
  o.ct_slices = 4;
  o.mr_slices = 3;
  o.with_bad_files = false;
  const auto manifest = fixtures::WriteSyntheticExport(t.File("in"), o);
  auto profile = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/basic.yaml");
  REQUIRE(profile.ok());
  auto store = db::ProvenanceStore::Open(t.File("rwdgate.db"));
  REQUIRE(store.ok());
  auto run = (*store)->BeginRun({"basic", std::string(64, '0'), "test", "", "", ""});
  REQUIRE(run.ok());
  anon::KeyedIds ids(std::vector<uint8_t>(32, 7));
  Choices choices;
  PipelineOptions opt;
  opt.input_dir = t.File("in");
  opt.output_dir = t.File("out");
  opt.work_dir = t.path().string();
  opt.quarantine_dir = t.File("quarantine");
  opt.series_stages = {[&] { return std::make_unique<DoubleStage>(choices); }};
  Pipeline pipeline(*profile, ids, **store, opt);
  auto summary = pipeline.Run(*run);
  REQUIRE(summary.ok());

  const size_t objects = manifest.dicom_files.size();
  // 3 MR series of 3; 4 CT series of 4 (patient 1 has two studies).
  REQUIRE(objects == 3 * 3 + 4 * 4);
  // MR: 3 series held back whole; CT: one failed series (4), one object of
  // each of the three others.
  CHECK(summary->quarantined == 3 * 3 + 4 + 3);
  CHECK(summary->released == 3 * 3);
  CHECK(summary->series == 7);
  CHECK(summary->series_quarantined == 4);

  auto rows = (*store)->ListObjects(*run);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == objects);
  int by_double = 0, by_failure = 0, single = 0;
  for (const auto& r : *rows) {
    CHECK(r.state != "staged");
    if (r.state == "released") {
      CHECK(fs::exists(r.output_path));
      CHECK(r.output_path.rfind(t.File("out"), 0) == 0);
      continue;
    }
    REQUIRE(r.state == "quarantined");
    // The original, by its hash, in the quarantine; nothing in the output.
    CHECK(r.output_path == t.File("quarantine") + "/" + r.sha256_in + ".dcm");
    CHECK(fs::exists(r.output_path));
    CHECK(ReadBytes(r.output_path) == ReadBytes(t.File("in/" + r.source_path)));
    if (r.reason.find("test double holds MR back") != std::string::npos) ++by_double;
    if (r.reason.find("unexpected error in series stage double") != std::string::npos) ++by_failure;
    if (r.reason.find("holds the first object back") != std::string::npos) ++single;
  }
  CHECK(by_double == 9);
  CHECK(by_failure == 4);
  CHECK(single == 3);
  CHECK(ListReleased(t.File("out")).size() == 9);
  CHECK(ListFiles(t.path().string() + "/staging").empty());
  auto counts = (*store)->CountStates(*run);
  CHECK(counts->staged == 0);
}

TEST_CASE("the geometry stage measures slices, orientation and spacing along the normal") {
  auto member = [](double z, int instance) {
    SeriesMember m;
    m.facts.position = std::array<double, 3>{-100, -100, z};
    m.facts.orientation = std::array<double, 6>{1, 0, 0, 0, 1, 0};
    m.facts.pixel_spacing = std::array<double, 2>{0.5, 0.5};
    m.facts.instance_number = instance;
    m.facts.rows = m.facts.columns = 512;
    return m;
  };
  std::deque<SeriesMember> ms;
  for (int i = 0; i < 10; ++i)
    if (i != 6) ms.push_back(member(2.5 * i, i + 1));  // slice 7 missing
  ms.push_back(member(2.5 * 3, 99));                   // slice 4 twice
  const SeriesGeometry g = MeasureGeometry(ms);
  CHECK(g.slices == 10);
  CHECK(g.orientation == "AXIAL");
  CHECK(g.homogeneous);
  CHECK(g.spacing_median == doctest::Approx(2.5));
  CHECK(g.spacing_max == doctest::Approx(5.0));
  CHECK(g.gaps == 1);
  CHECK(g.duplicate_positions == 1);
  ms.back().facts.orientation = std::array<double, 6>{0, 1, 0, 0, 0, -1};  // a sagittal slice among axials
  CHECK(MeasureGeometry(ms).orientation == "MIXED");
  CHECK_FALSE(MeasureGeometry(ms).homogeneous);
}
