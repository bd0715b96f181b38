#include "gateway/run_command.h"

#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "gateway/shard/shard_plan.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {
int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}

bool Inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(child, ec), p = fs::weakly_canonical(parent, ec);
  auto ci = c.begin(), pi = p.begin();
  for (; pi != p.end(); ++pi, ++ci)
    if (ci == c.end() || *ci != *pi) return false;
  return true;
}
}  // namespace

int RunCommand(const RunArgs& args) {
  std::error_code ec;
  RunArgs a = args;
  std::vector<std::string> files;
  if (!a.plan.empty() || a.shard >= 0) {
    if (a.plan.empty() || a.shard < 0) return Fail(kExitUsage, "--plan and --shard go together");
    auto plan = ReadPlan(a.plan);
    if (!plan.ok()) return Fail(kExitUsage, plan.status().message());
    if (!a.input.empty() && fs::weakly_canonical(a.input, ec) != fs::weakly_canonical(plan->input_dir, ec))
      return Fail(kExitUsage, "--input differs from the plan's input " + plan->input_dir);
    auto list = ReadShardList(a.plan, a.shard);
    if (!list.ok()) return Fail(kExitUsage, list.status().message());
    files = std::move(list).value();
    a.input = plan->input_dir;
    // The key and the signing key are the main work dir's (made by plan).
    SessionArgs& s = a.session;
    const fs::path shards = fs::path(s.workdir) / "shards";
    fs::create_directories(shards, ec);
    ::chmod(s.workdir.c_str(), 0700);
    ::chmod(shards.c_str(), 0700);
    s.key_dir = s.workdir;
    s.create_keys = false;
    s.workdir = (shards / std::to_string(a.shard)).string();
    // For merge: which plan and key the shards ran (the same for all of them).
    Status noted = RecordShardRunPaths(
        shards.string(), {fs::absolute(a.plan).string(), s.key.empty() ? std::string() : fs::absolute(s.key).string()});
    if (!noted.ok()) return Fail(kExitFatal, noted.message());
  } else if (a.input.empty()) {
    return Fail(kExitUsage, "give --input DIR, or --plan PLAN --shard I");
  }
  const SessionArgs& sa = a.session;
  if (!fs::is_directory(a.input, ec)) return Fail(kExitUsage, "--input " + a.input + " is not a folder");
  if (!sa.output.empty() && (Inside(sa.output, a.input) || Inside(a.input, sa.output)))
    return Fail(kExitUsage, "--output and --input must not contain each other");
  if (Inside(sa.workdir, a.input)) return Fail(kExitUsage, "--workdir must not be inside --input");
  if (!a.incremental.empty() && a.incremental != "on" && a.incremental != "verify")
    return Fail(kExitUsage, "--incremental takes no value or =verify");

  Session session;
  if (int code = OpenSession(sa, session); code != kExitOk) return code;
  PassOptions pass;
  pass.input_dir = a.input;
  pass.exclude = {sa.workdir};
  if (!sa.output.empty()) pass.exclude.push_back(sa.output);
  pass.workers = a.workers;
  pass.progress = !a.json && !a.quiet;
  pass.incremental = !a.incremental.empty();
  pass.verify = a.incremental == "verify";
  if (a.shard >= 0) {
    pass.files = &files;
    pass.no_overwrite = true;
    pass.staging_name = ".rwdgate-staging-shard-" + std::to_string(a.shard);
  }
  auto summary = RunPass(session, pass);
  if (!summary.ok()) return Fail(kExitFatal, "run failed: " + summary.status().ToString());
  if (a.json) {
    std::cout << summary->ToJson() << std::endl;
    if (!a.quiet) std::cerr << summary->ToText();
  } else if (!a.quiet) {
    std::cout << summary->ToText();
  }
  return kExitOk;
}

}  // namespace rwd::gateway
