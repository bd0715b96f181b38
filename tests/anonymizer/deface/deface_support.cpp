#include "tests/anonymizer/deface/deface_support.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "anonymizer/deface/deface_bookkeeping.h"
#include "core/series_volume_builder.h"

namespace rwd::testing {

Parsed ParseAll(const std::vector<std::vector<uint8_t>>& bytes) {
  Parsed p;
  for (const auto& b : bytes) {
    auto f = DicomFile::Parse(b);
    REQUIRE(f.ok());
    p.files.push_back(std::move(f).value());
  }
  for (auto& f : p.files) p.pointers.push_back(&f);
  return p;
}

DefaceRun RunDeface(const std::vector<std::vector<uint8_t>>& files, const deface::DefaceOptions& options,
                    const deface::Cut* cut) {
  Parsed p = ParseAll(files);
  auto built = BuildSeriesVolume(p.pointers);
  REQUIRE(built.ok());
  DefaceRun run;
  run.volume = std::move(built).value();
  run.result = cut ? deface::DefaceWithCut(*cut, run.volume, options) : deface::Deface(run.volume, options);
  if (run.result.verdict == deface::Verdict::kDefaced) {
    REQUIRE(WriteBackSlices(run.volume, run.result.changed_slices, p.pointers).ok());
    for (DicomFile* f : p.pointers) REQUIRE(deface::MarkDefaced(*f).ok());
  }
  for (DicomFile* f : p.pointers) {
    auto bytes = f->Serialize();
    REQUIRE(bytes.ok());
    run.released.push_back(std::move(bytes).value());
  }
  return run;
}

double CheckDefacedAgainstOriginal(const Phantom& original, const DefaceRun& run, float level) {
  REQUIRE(run.released.size() == original.files.size());  // no object missing
  const ReadBack before = ReadFiles(original.files), after = ReadFiles(run.released);
  REQUIRE(before.stored.size() == after.stored.size());
  REQUIRE(original.brain.size() == before.stored.size());
  size_t brain = 0, brain_changed = 0, changed = 0;
  double clearance = 20.0;
  Vec3 worst{};
  for (size_t i = 0; i < before.stored.size(); ++i) {
    const bool differs = before.stored[i] != after.stored[i];
    changed += differs;
    if (differs) {
      const double d = Ch2BrainDistance(before.position[i]);
      if (d < clearance) {
        clearance = d;
        worst = before.position[i];
      }
    }
    if (original.brain[i]) {
      ++brain;
      brain_changed += differs;
    }
  }
  CHECK(brain > 100000);
  CHECK(brain_changed == 0);
  MESSAGE("changed voxels " << changed << ", clearance to ch2bet " << clearance << " mm at LPS " << worst[0] << " "
                            << worst[1] << " " << worst[2]);
  CHECK(clearance >= 5.0);
  CHECK(changed > 10000);
  int w = 0, h = 0;
  const auto map_before = AnteriorDepthMap(before, level, &w, &h);
  const auto map_after = AnteriorDepthMap(after, level, &w, &h);
  const double residual = FaceZoneResidual(map_before, map_after, w, h);
  CHECK(residual <= 0.05);
  return residual;
}

}  // namespace rwd::testing
