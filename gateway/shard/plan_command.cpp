#include "gateway/shard/plan_command.h"

#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "anonymizer/secret_key.h"
#include "gateway/gateway_session.h"
#include "gateway/shard/shard_plan.h"
#include "gateway/signing_key.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {
int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}

bool Inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const std::string c = fs::weakly_canonical(child, ec).string() + "/", p = fs::weakly_canonical(parent, ec).string() + "/";
  return c.rfind(p, 0) == 0;
}
}  // namespace

int PlanCommand(const PlanArgs& a) {
  std::error_code ec;
  if (!fs::is_directory(a.input, ec)) return Fail(kExitUsage, "--input " + a.input + " is not a folder");
  if (a.shards < 1) return Fail(kExitUsage, "--shards must be at least 1");
  if (Inside(a.out, a.input)) return Fail(kExitUsage, "--out must not be inside --input");
  if (Inside(a.workdir, a.input)) return Fail(kExitUsage, "--workdir must not be inside --input");

  // The keys, once: shards started together must not each make their own.
  fs::create_directories(a.workdir, ec);
  if (ec) return Fail(kExitFatal, "cannot create work dir " + a.workdir + ": " + ec.message());
  ::chmod(a.workdir.c_str(), 0700);
  const std::string key_path = a.key.empty() ? (fs::path(a.workdir) / "project.key").string() : a.key;
  auto key = anon::LoadOrCreateKey(key_path);
  if (!key.ok()) return Fail(kExitUsage, key.status().message());
  if (!LoadSigningKey(a.workdir).ok()) {
    if (fs::exists(fs::path(a.workdir) / kSigningKeyFile)) return Fail(kExitUsage, LoadSigningKey(a.workdir).status().message());
    auto made = CreateSigningKey(a.workdir, false);
    if (!made.ok()) return Fail(kExitFatal, made.status().message());
  }

  PlanOptions o;
  o.input_dir = a.input;
  o.shards = a.shards;
  o.exclude = {a.workdir, a.out};
  o.follow_links = a.follow_links;
  o.readers = a.workers;
  const ShardPlan plan = MakePlan(o);
  Status written = WritePlan(plan, a.out);
  if (!written.ok()) return Fail(kExitFatal, written.message());

  nlohmann::json j;
  j["plan"] = fs::absolute(a.out).string();
  j["input"] = plan.input_dir;
  j["shards"] = plan.shards.size();
  j["studies"] = plan.studies;
  j["unparsed"] = plan.unparsed;
  j["key_file"] = key_path;
  j["key_created"] = key->created;
  size_t files = 0;
  for (size_t i = 0; i < plan.shards.size(); ++i) {
    files += plan.shards[i].size();
    j["per_shard"].push_back({{"shard", i}, {"files", plan.shards[i].size()}, {"bytes", plan.bytes[i]}});
  }
  j["files"] = files;
  if (a.json) {
    std::cout << j.dump() << std::endl;
    return kExitOk;
  }
  std::cout << "plan: " << files << " files, " << plan.studies << " studies, " << plan.unparsed
            << " without a readable study UID, in " << plan.shards.size() << " shards\n";
  for (size_t i = 0; i < plan.shards.size(); ++i)
    std::cout << "  shard " << i << ": " << plan.shards[i].size() << " files, " << plan.bytes[i] / 1e6 << " MB\n";
  std::cout << "written to " << fs::absolute(a.out).string()
            << " (owner-only: it lists input paths, which may name patients)\n";
  if (key->created) std::cout << "new project key " << key_path << ": back it up, keep it owner-only\n";
  return kExitOk;
}

}  // namespace rwd::gateway
