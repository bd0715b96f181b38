#include "tests/fuzz/pipeline_invariants.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "core/dicom_file.h"
#include "core/utf8.h"
#include "gateway/object_context.h"
#include "gateway/stages/deidentify_header_stage.h"
#include "gateway/stages/identify_stage.h"
#include "rules/profile_loader.h"

namespace rwd::fuzz {
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

// For a person debugging an artifact: RWD_FUZZ_DUMP=FILE keeps the output.
void Dump(const std::vector<uint8_t>& out) {
  const char* dump = std::getenv("RWD_FUZZ_DUMP");
  if (!dump) return;
  if (FILE* f = std::fopen(dump, "wb")) {
    std::fwrite(out.data(), 1, out.size(), f);
    std::fclose(f);
  }
}

std::string RunOne(const rules::Profile& profile, const anon::KeyedIds& ids, std::span<const uint8_t> data) {
  const std::string under = " (profile " + profile.name + ")";
  gateway::ObjectContext o;
  o.path = "/nonexistent-fuzz-root/export/IMG0001";
  o.rel_path = "export/IMG0001";
  o.bytes.assign(data.begin(), data.end());
  gateway::IdentifyStage identify(profile);
  gateway::DeidentifyHeaderStage deidentify(profile, ids);
  gateway::StageResult r = identify.Run(o);
  if (!IsValidUtf8(r.reason)) return "identify reason is not valid UTF-8" + under;
  if (r.outcome != gateway::Outcome::kContinue) return "";
  r = deidentify.Run(o);
  if (!IsValidUtf8(r.reason)) return "deidentify reason is not valid UTF-8" + under;
  if (r.outcome != gateway::Outcome::kContinue) return "";
  auto out = o.dicom->Serialize();
  if (!out.ok()) return "";  // the staging stage quarantines it
  auto again = DicomFile::Parse(std::span<const uint8_t>(out->data(), out->size()));
  if (again.ok()) return "";
  Dump(*out);
  return "a serialised de-identified object does not parse again" + under + ": " + again.status().message();
}

}  // namespace

std::string CheckPipelineInvariants(std::span<const uint8_t> data) {
  static const Profiles profiles;
  static const anon::KeyedIds ids(std::vector<uint8_t>(32, 0x5A));
  for (const rules::Profile& p : profiles.all) {
    try {
      if (std::string failed = RunOne(p, ids, data); !failed.empty()) return failed;
    } catch (const std::exception&) {
      // The pipeline turns an escaping exception into a quarantine: not a crash.
    }
  }
  return "";
}

}  // namespace rwd::fuzz
