#include "gateway/listen_command.h"

#include <csignal>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/log.h"
#include "gateway/listen/batch_tracker.h"
#include "gateway/listen/spool.h"
#include "gateway/listen/store_scp.h"
#include "gateway/tls/tls_layer.h"

namespace rwd::gateway {
namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Fail(int code, const std::string& message) {
  std::cerr << "rwdgate: " << message << "\n";
  return code;
}

// The listener's summary: the runs' summaries added up.
void Add(RunSummary& total, const RunSummary& s) {
  total.run_id = s.run_id;
  total.released += s.released;
  total.quarantined += s.quarantined;
  total.rejected += s.rejected;
  total.bytes_in += s.bytes_in;
  total.bytes_out += s.bytes_out;
  total.pixel_images_redacted += s.pixel_images_redacted;
  total.pixel_regions_redacted += s.pixel_regions_redacted;
  total.series += s.series;
  total.series_quarantined += s.series_quarantined;
  total.recovered_series += s.recovered_series;
  total.abandoned_staged += s.abandoned_staged;
  total.release_pending = s.release_pending;  // what is still pending after the latest run
  total.skipped_unchanged += s.skipped_unchanged;
  total.workers = s.workers;
  total.profile_name = s.profile_name;
  total.output_dir = s.output_dir;
  total.database = s.database;
  total.quarantine_dir = s.quarantine_dir;
  total.key_file = s.key_file;
  total.key_created = total.key_created || s.key_created;
  for (const auto& [why, n] : s.reasons) total.reasons[why] += n;
}

}  // namespace

int ListenCommand(const ListenArgs& a) {
  auto allow = ParseAllowList(a.allow);
  if (!allow.ok()) return Fail(kExitUsage, allow.status().message());
  const std::string ae(a.ae_title);
  if (ae.empty() || ae.size() > 16) return Fail(kExitUsage, "--ae: an AE title of 1 to 16 characters");
  std::shared_ptr<DcmTransportLayer> tls;
  if (Status files = CheckTlsFiles(a.tls, "--tls-"); !files.ok()) return Fail(kExitUsage, files.message());
  if (a.tls.all()) {
    auto layer = MakeTlsLayer(TlsRole::kServer, a.tls);
    if (!layer.ok()) return Fail(kExitUsage, layer.status().message());
    tls = std::move(layer).value();
  }

  Session session;
  if (int code = OpenSession(a.session, session); code != kExitOk) return code;
  const std::string work_dir = fs::path(session.db_path).parent_path().string();
  auto spool = Spool::Open(work_dir, static_cast<uint64_t>(std::max<int64_t>(0, a.min_free_mb)) << 20);
  if (!spool.ok()) return Fail(kExitFatal, spool.status().message());

  const auto start = std::chrono::steady_clock::now();
  RunSummary total;
  int64_t runs = 0;
  auto process = [&](const std::string& batch) -> bool {
    PassOptions pass;
    pass.input_dir = spool->BatchDir(batch);
    pass.workers = a.workers;
    pass.incremental = true;  // after a crash: what an earlier run of this batch finished is not redone
    auto summary = RunPass(session, pass);
    if (!summary.ok()) {
      LogError("listen: run failed: " + summary.status().ToString());
      return false;
    }
    Add(total, *summary);
    ++runs;
    Status removed = spool->RemoveBatch(batch);
    if (!removed.ok()) LogWarn(removed.message());
    return true;
  };

  // Handlers first: a signal during the spool's processing ends listen after it.
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  // Restart after a crash: the spool first.
  for (const std::string& batch : spool->ExistingBatches())
    if (!process(batch)) return Fail(kExitFatal, "cannot record the processing of the spool");

  BatchTracker batches([&] { return spool->NewBatchName(); }, a.series_idle_seconds,
                       std::max(300.0, 10 * a.series_idle_seconds));
  ListenCounters counters;
  StoreScpConfig config{ae, static_cast<uint16_t>(a.port), a.max_associations, *allow, tls};
  StoreScp scp(config, *spool, batches, counters);
  Status started = scp.Start();
  if (!started.ok()) return Fail(kExitFatal, started.message());
  session.log.Event("listen", "ae=" + ae + " port=" + std::to_string(a.port) + (tls ? " tls=on" : "") +
                                  " target=" + session.target);
  if (!a.quiet) std::cerr << "rwdgate: listening as " << ae << " on port " << a.port << (tls ? " (TLS)" : "") << "\n";

  bool failed = false;
  auto last_retry = std::chrono::steady_clock::now();
  while (!g_stop && !failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    while (auto batch = batches.TakeComplete(false))
      if (!process(*batch)) failed = true;
    // A remote target that was down: retry the pending releases now and then
    // (a run with nothing new: its recovery step sends what is pending).
    if (total.release_pending > 0 && std::chrono::steady_clock::now() - last_retry > std::chrono::seconds(30)) {
      last_retry = std::chrono::steady_clock::now();
      const std::string empty = spool->NewBatchName();
      std::error_code ec;
      fs::create_directories(spool->BatchDir(empty), ec);
      if (!process(empty)) failed = true;
    }
  }
  // Stop accepting, let open associations finish, process everything received.
  scp.Stop();
  while (auto batch = batches.TakeComplete(true))
    if (!process(*batch)) failed = true;

  total.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  session.log.Event("stop", "runs=" + std::to_string(runs) + " stored=" + std::to_string(counters.stored.load()) +
                                " refused_objects=" + std::to_string(counters.refused_objects.load()) +
                                " refused_associations=" + std::to_string(counters.refused_associations.load()));
  if (a.json) {
    nlohmann::json j = nlohmann::json::parse(total.ToJson());
    j["runs"] = runs;
    j["associations"] = {{"accepted", counters.accepted_associations.load()},
                         {"refused", counters.refused_associations.load()}};
    j["objects_received"] = counters.stored.load();
    j["objects_refused"] = counters.refused_objects.load();
    std::cout << j.dump() << std::endl;
  } else if (!a.quiet) {
    std::cout << total.ToText();
  }
  return failed ? kExitFatal : kExitOk;
}

}  // namespace rwd::gateway
