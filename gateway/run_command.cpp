#include "gateway/run_command.h"

#include <filesystem>
#include <iostream>

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

int RunCommand(const RunArgs& a) {
  std::error_code ec;
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
