#pragma once
// The C-STORE / C-ECHO SCP of `rwdgate listen`: DCMTK DcmThreadSCP
// workers, one thread per association, at most --max-associations at once
// (further callers are refused: temporary congestion, PS3.8 9.3.4). The
// accept loop is our own (store_scp.cpp says why not DcmSCPPool).
//
// Association acceptance (PS3.8 7.1.1): only when called by our AE title
// and when the calling AE title (and, for an entry AE@host, the peer's
// address) is on the allow-list. Every refusal is logged with the calling
// AE title, the called AE title and the address, nothing else.
// Presentation contexts: Verification and every storage SOP class, each
// with every transfer syntax DCMTK can store (storage_contexts.h; bit-
// preserving: the dataset is written as received, compressed ones included).
// TLS (optional, tls/tls_layer.h): the handshake runs before the
// association request is read; a caller without a certificate of our CA, or
// speaking plain TCP, is dropped there and logged with its address only.
// C-STORE: the object goes to the spool and is made durable (spool.h)
// before the response says Success; when the spool's disk is nearly full,
// or the spool cannot write, the response is Refused: Out of Resources
// (A700, PS3.4 Table B.2-1) and nothing is kept.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/listen/batch_tracker.h"
#include "gateway/listen/spool.h"

class DcmTransportLayer;

namespace rwd::gateway {

struct AllowedCaller {
  std::string ae;    // calling AE title
  std::string host;  // "" any; else the peer's IP address or host name
};
// "AE[@host][,...]" entries (already split at commas). kInvalidArgument when empty or malformed.
Result<std::vector<AllowedCaller>> ParseAllowList(const std::vector<std::string>& entries);

struct StoreScpConfig {
  std::string ae_title;
  uint16_t port = 0;
  int max_associations = 4;
  std::vector<AllowedCaller> allow;
  std::shared_ptr<DcmTransportLayer> tls;  // null: plain TCP
};

// What the listener counts (for the summary and the log).
struct ListenCounters {
  std::atomic<int64_t> accepted_associations{0}, refused_associations{0};
  std::atomic<int64_t> stored{0}, refused_objects{0};
};

class StoreScp {
 public:
  StoreScp(StoreScpConfig config, Spool& spool, BatchTracker& batches, ListenCounters& counters);
  ~StoreScp();
  // Opens the port (fails when it cannot) and serves in a thread of its own.
  Status Start();
  // Stops accepting; returns once every open association has ended.
  void Stop();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace rwd::gateway
