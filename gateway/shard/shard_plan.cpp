#include "gateway/shard/shard_plan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "core/study_uid_reader.h"
#include "gateway/folder_source.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPlanFile = "plan.json";
constexpr const char* kFormat = "rwdgate-plan-1";

std::string ListName(int shard) { return "shard-" + std::to_string(shard) + ".list"; }

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[i + 1] == 'n' ? '\n' : s[i + 1];
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Owner-only from the first byte, then renamed into place.
Status WriteOwnerOnly(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Error(ErrorCode::kIoError, "cannot create " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Error(ErrorCode::kIoError, "cannot write " + path);
  }
  return Status::Ok();
}

struct Group {
  uint64_t bytes = 0;
  std::string first;  // its smallest path: a stable tie-break that names no UID
  std::vector<std::string> files;
};

}  // namespace

ShardPlan MakePlan(const PlanOptions& o) {
  ShardPlan plan;
  plan.input_dir = fs::absolute(o.input_dir).lexically_normal().string();
  if (plan.input_dir.size() > 1 && plan.input_dir.ends_with('/')) plan.input_dir.pop_back();
  // Relative paths only (the full path is the root + '/' + it): a PACS
  // export may hold tens of millions of files.
  std::vector<SourceItem> items;
  FolderSource(o.input_dir, o.exclude, o.follow_links).Walk([&](SourceItem item) {
    item.path = std::string();
    items.push_back(std::move(item));
  });
  const std::string prefix = o.input_dir + (o.input_dir.ends_with('/') ? "" : "/");
  // Headers are read in parallel: on a large export the plan is one pass
  // of small reads, bound by the storage's latency, not by one core.
  // Study UIDs stay in memory only: never logged or written.
  struct Header {
    uint64_t size = 0;
    std::optional<std::string> study_uid;
  };
  std::vector<Header> headers(items.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> readers;
  const int n_readers = std::max(1, o.readers > 0 ? o.readers : static_cast<int>(std::thread::hardware_concurrency()));
  for (int t = 0; t < n_readers; ++t)
    readers.emplace_back([&] {
      for (size_t i; (i = next++) < items.size();) {
        if (!items[i].error.empty()) continue;
        std::error_code ec;
        const std::string path = prefix + items[i].rel_path;
        const uint64_t size = fs::file_size(path, ec);
        headers[i].size = ec ? 0 : size;
        auto uid = ReadStudyInstanceUid(path);
        if (uid.ok()) headers[i].study_uid = std::move(uid).value();
      }
    });
  for (auto& t : readers) t.join();

  std::map<std::string, Group> studies;
  std::vector<Group> alone;
  for (size_t i = 0; i < items.size(); ++i) {
    Group* g;
    if (headers[i].study_uid) {
      g = &studies[*headers[i].study_uid];
    } else {
      alone.emplace_back();
      g = &alone.back();
      ++plan.unparsed;
    }
    g->bytes += headers[i].size;
    if (g->files.empty() || items[i].rel_path < g->first) g->first = items[i].rel_path;
    g->files.push_back(std::move(items[i].rel_path));
  }
  std::vector<Group> groups;
  groups.reserve(studies.size() + alone.size());
  for (auto& [uid, g] : studies) groups.push_back(std::move(g));
  for (auto& g : alone) groups.push_back(std::move(g));
  plan.studies = static_cast<int64_t>(studies.size());
  // Largest first onto the lightest shard (LPT): within 4/3 of the best split.
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return a.bytes != b.bytes ? a.bytes > b.bytes : a.first < b.first; });
  const int n = std::max(1, o.shards);
  plan.shards.assign(n, {});
  plan.bytes.assign(n, 0);
  for (Group& g : groups) {
    const int at = static_cast<int>(std::min_element(plan.bytes.begin(), plan.bytes.end()) - plan.bytes.begin());
    plan.bytes[at] += g.bytes;
    for (auto& f : g.files) plan.shards[at].push_back(std::move(f));
  }
  for (auto& s : plan.shards) std::sort(s.begin(), s.end());
  return plan;
}

Status WritePlan(const ShardPlan& plan, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot create " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return Status::Error(ErrorCode::kIoError, "cannot make " + dir + " owner-only");
  nlohmann::json j;
  j["format"] = kFormat;
  j["input"] = plan.input_dir;
  j["shards"] = plan.shards.size();
  j["studies"] = plan.studies;
  j["unparsed"] = plan.unparsed;
  std::vector<size_t> files;
  for (const auto& s : plan.shards) files.push_back(s.size());
  j["files"] = files;
  j["bytes"] = plan.bytes;
  for (size_t i = 0; i < plan.shards.size(); ++i) {
    std::string text;
    for (const auto& p : plan.shards[i]) text += Escape(p) + "\n";
    Status s = WriteOwnerOnly((fs::path(dir) / ListName(static_cast<int>(i))).string(), text);
    if (!s.ok()) return s;
  }
  // Last: a plan.json means the lists are complete.
  return WriteOwnerOnly((fs::path(dir) / kPlanFile).string(), j.dump(2) + "\n");
}

Result<ShardPlan> ReadPlan(const std::string& dir, bool with_lists) {
  std::ifstream in(fs::path(dir) / kPlanFile);
  if (!in) return Status::Error(ErrorCode::kInvalidArgument, "no plan in " + dir + " (plan.json missing): run rwdgate plan");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kFormat || !j["input"].is_string() ||
      !j["shards"].is_number_unsigned() || j["shards"].get<size_t>() < 1 || !j["bytes"].is_array())
    return Status::Error(ErrorCode::kInvalidArgument, dir + "/plan.json is not an rwdgate plan");
  ShardPlan plan;
  plan.input_dir = j["input"].get<std::string>();
  plan.shards.assign(j["shards"].get<size_t>(), {});
  for (const auto& b : j["bytes"]) plan.bytes.push_back(b.is_number_unsigned() ? b.get<uint64_t>() : 0);
  plan.studies = j.value("studies", int64_t{0});
  plan.unparsed = j.value("unparsed", int64_t{0});
  if (with_lists) {
    for (size_t i = 0; i < plan.shards.size(); ++i) {
      auto list = ReadShardList(dir, static_cast<int>(i));
      if (!list.ok()) return list.status();
      plan.shards[i] = std::move(list).value();
    }
  }
  return plan;
}

Result<std::vector<std::string>> ReadShardList(const std::string& dir, int shard) {
  auto plan = ReadPlan(dir, false);
  if (!plan.ok()) return plan.status();
  if (shard < 0 || static_cast<size_t>(shard) >= plan->shards.size())
    return Status::Error(ErrorCode::kInvalidArgument, "--shard " + std::to_string(shard) + " is not in the plan (0.." +
                                                          std::to_string(plan->shards.size() - 1) + ")");
  std::ifstream in(fs::path(dir) / ListName(shard));
  if (!in) return Status::Error(ErrorCode::kInvalidArgument, "cannot read " + dir + "/" + ListName(shard));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(Unescape(line));
  return out;
}

Status RecordShardRunPaths(const std::string& shards_dir, const ShardRunPaths& paths) {
  // Each shard writes its own temporary file: shards start at once.
  const std::string path = (fs::path(shards_dir) / "ran").string();
  const std::string tmp = path + "." + std::to_string(::getpid());
  Status s = WriteOwnerOnly(tmp, Escape(paths.plan_dir) + "\n" + Escape(paths.key_file) + "\n");
  if (!s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::Error(ErrorCode::kIoError, "cannot write " + path);
  return Status::Ok();
}

Result<ShardRunPaths> RecordedShardRunPaths(const std::string& shards_dir) {
  std::ifstream in(fs::path(shards_dir) / "ran");
  ShardRunPaths p;
  if (!in || !std::getline(in, p.plan_dir) || !std::getline(in, p.key_file) || p.plan_dir.empty())
    return Status::Error(ErrorCode::kInvalidArgument, "no shard has run in " + shards_dir + " (give --plan)");
  p.plan_dir = Unescape(p.plan_dir);
  p.key_file = Unescape(p.key_file);
  return p;
}

}  // namespace rwd::gateway
