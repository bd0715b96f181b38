#pragma once
// `rwdgate listen`: a DICOM node (C-STORE SCP) that de-identifies what it
// receives and releases it (issue 12). Objects are spooled durably
// (listen/spool.h), grouped into batches whose series are complete
// (listen/batch_tracker.h), and each complete batch goes through the same
// two-phase pipeline as `run` (one run per batch, gateway_session.h).
//
// SIGTERM / SIGINT: stop accepting, wait for open associations, process
// every batch received, print the summary (--json: the fields of `run`,
// summed over the batches, plus "associations"), exit 0. At start, batches
// left in the spool by a crash are processed first; objects of a batch that
// an interrupted run had already finished are not processed again (they are
// skipped as in `run --incremental`), so none is released twice.
#include <string>
#include <vector>

#include "gateway/gateway_session.h"
#include "gateway/tls/tls_files.h"

namespace rwd::gateway {

struct ListenArgs {
  SessionArgs session;
  int port = 0;
  std::string ae_title;
  std::vector<std::string> allow;  // AE[@host]
  int max_associations = 4;
  double series_idle_seconds = 30;
  int workers = 0;
  int64_t min_free_mb = 512;
  TlsFiles tls;  // --tls-cert/-key/-ca: DICOM TLS, client certificates of the CA required
  bool json = false, quiet = false;
};

// Exit codes as `run`: 0 stopped by a signal after finishing, 2 usage, 3 the
// work dir is in use, 1 fatal (the port cannot be opened, a run cannot be recorded).
int ListenCommand(const ListenArgs& args);

}  // namespace rwd::gateway
