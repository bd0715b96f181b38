#include "gateway/shard/merge_command.h"

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "anonymizer/secret_key.h"
#include "db/shard_merge.h"
#include "gateway/gateway_session.h"
#include "gateway/report/run_report.h"
#include "gateway/shard/shard_plan.h"
#include "gateway/source_path_id.h"
#include "gateway/workdir_lock.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {
int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}

// Counts add up across shards; other numbers (seconds, rates) take the
// largest (the shards ran at once); the rest is the first shard's.
void Combine(nlohmann::json& into, const nlohmann::json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto& mine = into[it.key()];
    if (mine.is_null()) mine = it.value();
    else if (mine.is_number_integer() && it.value().is_number_integer()) mine = mine.get<int64_t>() + it.value().get<int64_t>();
    else if (mine.is_number() && it.value().is_number()) mine = std::max(mine.get<double>(), it.value().get<double>());
    else if (mine.is_object() && it.value().is_object()) Combine(mine, it.value());
  }
}
}  // namespace

int MergeCommand(const MergeArgs& a) {
  std::error_code ec;
  if (!fs::is_directory(a.workdir, ec)) return Fail(kExitUsage, "--workdir " + a.workdir + " is not a folder");
  auto lock = WorkdirLock::Acquire(a.workdir);
  if (!lock.ok()) return Fail(lock.status().code() == ErrorCode::kUnsafe ? kExitBusy : kExitFatal, lock.status().message());
  const fs::path shards_dir = fs::path(a.workdir) / "shards";
  std::string plan_dir = a.plan, key_path = a.key;
  if (plan_dir.empty() || key_path.empty()) {
    auto recorded = RecordedShardRunPaths(shards_dir.string());
    if (!recorded.ok() && plan_dir.empty()) return Fail(kExitUsage, recorded.status().message());
    if (recorded.ok()) {
      if (plan_dir.empty()) plan_dir = recorded->plan_dir;
      if (key_path.empty()) key_path = recorded->key_file;
    }
  }
  auto plan = ReadPlan(plan_dir, true);
  if (!plan.ok()) return Fail(kExitUsage, plan.status().message());
  if (key_path.empty()) key_path = (fs::path(a.workdir) / "project.key").string();
  if (!fs::exists(key_path, ec)) return Fail(kExitUsage, "no key at " + key_path + " (give the shards' --key)");
  auto key = anon::LoadOrCreateKey(key_path);
  if (!key.ok()) return Fail(kExitUsage, key.status().message());

  // No shard may run while its rows are read.
  std::vector<WorkdirLock> shard_locks;
  std::vector<db::ShardSource> sources;
  for (size_t i = 0; i < plan->shards.size(); ++i) {
    db::ShardSource src;
    src.shard = static_cast<int>(i);
    const fs::path dir = shards_dir / std::to_string(i);
    src.db_path = (dir / "rwdgate.db").string();
    if (fs::is_directory(dir, ec)) {
      auto l = WorkdirLock::Acquire(dir.string());
      if (!l.ok()) return Fail(l.status().code() == ErrorCode::kUnsafe ? kExitBusy : kExitFatal,
                               "shard " + std::to_string(i) + ": " + l.status().message());
      shard_locks.push_back(std::move(l).value());
    }
    for (const std::string& rel : plan->shards[i]) src.planned.emplace_back(rel, SourcePathId(key->bytes, rel));
    sources.push_back(std::move(src));
  }

  db::MergeOptions mo;
  mo.main_db = (fs::path(a.workdir) / "rwdgate.db").string();
  mo.arguments_json = nlohmann::json(a.argv).dump();
  mo.key_fingerprint = KeyFingerprint(key->bytes);
  mo.make_summary = [&](int64_t run_id, const std::vector<std::string>& summaries, const std::string& merge_key) {
    nlohmann::json merged = nlohmann::json::object();
    for (const std::string& s : summaries) {
      const auto j = nlohmann::json::parse(s, nullptr, false);
      if (j.is_object()) Combine(merged, j);
    }
    // What is one shard's, not the merged run's.
    for (const char* k : {"quarantine", "qc_report", "key_created", "signing_key_created", "signing_public_key"})
      merged.erase(k);
    merged["run_id"] = run_id;
    merged["database"] = fs::absolute(mo.main_db).string();
    merged["report"] = fs::absolute(report::DefaultReportPath(a.workdir, run_id)).string();
    if (merged.contains("files") && merged.contains("seconds") && merged["seconds"].get<double>() > 0)
      merged["files_per_second"] = merged["files"].get<double>() / merged["seconds"].get<double>();
    merged["shards"] = summaries.size();
    merged["merge_key"] = merge_key;
    return merged.dump();
  };
  auto result = db::MergeShards(mo, sources);
  if (!result.ok()) return Fail(kExitFatal, "merge failed: " + result.status().message());
  const db::MergeResult& r = *result;
  nlohmann::json j;
  j["merged"] = r.problems.empty();
  j["already_merged"] = r.already_merged;
  j["run_id"] = r.run_id;
  j["objects"] = r.objects;
  j["shard_runs"] = r.shard_runs;
  j["database"] = fs::absolute(mo.main_db).string();
  for (const auto& p : r.problems) j["problems"].push_back({{"shard", p.shard}, {"input", p.input}, {"problem", p.problem}});
  if (a.json) std::cout << j.dump() << std::endl;
  if (!r.problems.empty()) {
    std::cerr << "rwdgate: merge refused, nothing written: " << r.problems.size() << " problem(s)\n";
    size_t shown = 0;
    for (const auto& p : r.problems) {
      if (++shown > 100) {
        std::cerr << "  ... and " << r.problems.size() - 100 << " more\n";
        break;
      }
      std::cerr << "  shard " << p.shard << (p.input.empty() ? "" : ": " + p.input) << ": " << p.problem << "\n";
    }
    return kExitFatal;
  }
  if (!a.json)
    std::cout << (r.already_merged ? "already merged" : "merged") << ": " << plan->shards.size() << " shards, "
              << r.objects << " objects, run " << r.run_id << " of " << fs::absolute(mo.main_db).string() << "\n";
  return kExitOk;
}

}  // namespace rwd::gateway
