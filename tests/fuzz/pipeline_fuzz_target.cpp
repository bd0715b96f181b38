// libFuzzer target over what one worker does to an untrusted file: parse
// (header-only fast path and full parse), identify (DICOMDIR check, required
// UIDs, filter), de-identify the header under every shipped profile, and
// serialise. Built with ASan + UBSan by scripts/fuzz.sh (build-fuzz/).
//
// Invariants checked beyond "no crash": a released object re-parses, and a
// stage reason is valid UTF-8 (reasons go to the database and the summary).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "core/dicom_file.h"
#include "core/utf8.h"
#include "gateway/object_context.h"
#include "gateway/stages/deidentify_header_stage.h"
#include "gateway/stages/identify_stage.h"
#include "rules/profile_loader.h"

namespace {

using namespace rwd;

struct Profiles {
  std::vector<rules::Profile> all;
  Profiles() {
    for (const char* name : {"basic", "research", "retain-uids"}) {
      auto p = rules::LoadProfile(std::string(RWD_SOURCE_DIR) + "/profiles/" + name + ".yaml");
      if (!p.ok()) {
        std::fprintf(stderr, "fuzz: cannot load profile %s: %s\n", name, p.status().message().c_str());
        std::abort();
      }
      all.push_back(std::move(p).value());
    }
  }
};

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

void RunOne(const rules::Profile& profile, const anon::KeyedIds& ids, const uint8_t* data, size_t size) {
  gateway::ObjectContext o;
  o.path = "/nonexistent-fuzz-root/export/IMG0001";
  o.rel_path = "export/IMG0001";
  o.bytes.assign(data, data + size);
  gateway::IdentifyStage identify(profile);
  gateway::DeidentifyHeaderStage deidentify(profile, ids);
  gateway::StageResult r = identify.Run(o);
  Check(IsValidUtf8(r.reason), "identify reason is valid UTF-8");
  if (r.outcome != gateway::Outcome::kContinue) return;
  r = deidentify.Run(o);
  if (!IsValidUtf8(r.reason)) std::fprintf(stderr, "reason: %s\n", ToValidUtf8(r.reason).c_str());
  Check(IsValidUtf8(r.reason), "deidentify reason is valid UTF-8");
  if (r.outcome != gateway::Outcome::kContinue) return;
  auto out = o.dicom->Serialize();
  if (!out.ok()) return;  // quarantined by the release stage
  auto again = DicomFile::Parse(std::span<const uint8_t>(out->data(), out->size()));
  if (!again.ok()) {
    std::fprintf(stderr, "re-parse under %s: %s\n", profile.name.c_str(), again.status().message().c_str());
    if (const char* dump = std::getenv("RWD_FUZZ_DUMP")) {  // for a person debugging an artifact
      if (FILE* f = std::fopen(dump, "wb")) {
        std::fwrite(out->data(), 1, out->size(), f);
        std::fclose(f);
      }
    }
  }
  Check(again.ok(), "a serialised de-identified object parses again");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Profiles profiles;
  static const anon::KeyedIds ids(std::vector<uint8_t>(32, 0x5A));
  try {
    for (const rules::Profile& p : profiles.all) RunOne(p, ids, data, size);
  } catch (const std::exception&) {
    // The pipeline turns an escaping exception into a quarantine: not a crash.
  }
  return 0;
}
