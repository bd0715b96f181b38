#include "gateway/listen/store_scp.h"

#include <unistd.h>

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcerror.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/scpthrd.h>

#include "core/log.h"
#include "core/strings.h"
#include "gateway/listen/storage_contexts.h"

namespace rwd::gateway {
namespace {

// What every worker shares. DcmSCPPool constructs workers without
// arguments, so they find it here (one listener per process).
struct Shared {
  const StoreScpConfig* config = nullptr;
  Spool* spool = nullptr;
  BatchTracker* batches = nullptr;
  ListenCounters* counters = nullptr;
};
Shared g_shared;

bool Allowed(const std::string& ae, const std::string& address) {
  for (const AllowedCaller& c : g_shared.config->allow)
    if (c.ae == ae && (c.host.empty() || c.host == address)) return true;
  return false;
}

class Worker : public DcmThreadSCP {
 public:
  explicit Worker(T_ASC_Association* assoc) : assoc_(assoc) {}

 protected:
  void notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& action) override {
    calling_ = std::string(TrimValue(params.DULparams.callingAPTitle));
    called_ = std::string(TrimValue(params.DULparams.calledAPTitle));
    address_ = params.DULparams.callingPresentationAddress;
    if (auto colon = address_.rfind(':'); colon != std::string::npos && address_.find(':') == colon)
      address_.resize(colon);  // "host:port"
    allowed_ = Allowed(calling_, address_);
  }
  OFBool checkCalledAETitleAccepted(const OFString& called) override {
    if (std::string(TrimValue(called.c_str())) == g_shared.config->ae_title) return OFTrue;
    Refused("called AE title is not ours");
    return OFFalse;
  }
  OFBool checkCallingAETitleAccepted(const OFString&) override {
    if (allowed_) return OFTrue;
    Refused("calling AE title (and host) not on the allow-list");
    return OFFalse;
  }
  // Our contexts, not DcmSCPConfig's (at most 128 there; storage_contexts.h).
  OFCondition negotiateAssociation() override {
    Status s = NegotiateStorageContexts(assoc_->params);
    if (!s.ok()) LogWarn("listen: " + s.message() + ": from " + address_);
    return EC_Normal;  // with no context accepted, DcmSCP refuses the association
  }
  void notifyAssociationAcknowledge() override {
    ++g_shared.counters->accepted_associations;
    batch_ = g_shared.batches->AssociationStarted();
    LogInfo("listen: association accepted from " + calling_ + " at " + address_);
  }
  void notifyAssociationTermination() override {
    if (!batch_.empty()) g_shared.batches->AssociationEnded(batch_);
    batch_.clear();
  }

  OFCondition handleIncomingCommand(T_DIMSE_Message* msg, const DcmPresentationContextInfo& info) override {
    if (msg->CommandField != DIMSE_C_STORE_RQ || batch_.empty()) return DcmThreadSCP::handleIncomingCommand(msg, info);
    T_DIMSE_C_StoreRQ& req = msg->msg.CStoreRQ;
    const T_ASC_PresentationContextID pc = info.presentationContextID;
    if (g_shared.spool->LowOnSpace()) {
      // Read the dataset off the wire without keeping it, then refuse.
      OFCondition c = receiveSTORERequest(req, pc, OFString("/dev/null"));
      if (c.bad()) return c;
      ++g_shared.counters->refused_objects;
      LogWarn("listen: spool disk nearly full: object refused (out of resources)");
      return sendSTOREResponse(pc, req, STATUS_STORE_Refused_OutOfResources);
    }
    const std::string incoming = g_shared.spool->NewIncomingPath();
    OFCondition c = receiveSTORERequest(req, pc, OFString(incoming.c_str()));
    if (c.bad()) {
      ::unlink(incoming.c_str());
      return c;  // the association is gone; the peer got no success
    }
    Status kept = g_shared.spool->Commit(incoming, batch_);
    if (!kept.ok()) {
      ::unlink(incoming.c_str());
      ++g_shared.counters->refused_objects;
      LogError("listen: " + kept.message() + ": object refused (out of resources)");
      return sendSTOREResponse(pc, req, STATUS_STORE_Refused_OutOfResources);
    }
    ++g_shared.counters->stored;
    g_shared.batches->ObjectArrived(batch_);
    return sendSTOREResponse(pc, req, STATUS_Success);
  }

 private:
  void Refused(const char* why) {
    ++g_shared.counters->refused_associations;
    LogWarn(std::string("listen: association refused (") + why + "): calling AE '" + calling_ + "', called AE '" +
            called_ + "', from " + address_);
  }
  T_ASC_Association* assoc_;
  std::string calling_, called_, address_, batch_;
  bool allowed_ = false;
};


}  // namespace

Result<std::vector<AllowedCaller>> ParseAllowList(const std::vector<std::string>& entries) {
  std::vector<AllowedCaller> out;
  for (const std::string& raw : entries) {
    const std::string e(TrimValue(raw));
    if (e.empty()) continue;
    AllowedCaller c;
    const size_t at = e.find('@');
    c.ae = e.substr(0, at);
    if (at != std::string::npos) c.host = e.substr(at + 1);
    if (c.ae.empty() || c.ae.size() > 16 || (at != std::string::npos && c.host.empty()))
      return Status::Error(ErrorCode::kInvalidArgument, "--allow: expected AE[@host], AE titles of 1 to 16 characters");
    out.push_back(c);
  }
  if (out.empty()) return Status::Error(ErrorCode::kInvalidArgument, "--allow: at least one calling AE title");
  return out;
}

// The accept loop is ours, not DcmSCPPool's: in dcmnet 3.6.7 a pool worker
// whose connection ends at once (a port probe) frees itself while
// OFThread::start() still writes to it (use after free, found with
// valgrind), which corrupts the heap. Here the A-ASSOCIATE-RQ is read in the
// accept thread (as storescp does) and only a real association gets a
// worker thread, which owns its DcmThreadSCP.
struct StoreScp::Impl {
  StoreScpConfig config;
  DcmSCPConfig cfg;
  std::unique_ptr<DcmSharedSCPConfig> shared;
  T_ASC_Network* net = nullptr;
  std::thread accept;
  std::atomic<bool> stop{false};
  std::atomic<int> active{0};
  struct Running {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::mutex mu;
  std::list<Running> workers;

  void Reap(bool all) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = workers.begin(); it != workers.end();) {
      if (all || it->done) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  }

  void Loop() {
    while (!stop) {
      Reap(false);
      T_ASC_Association* assoc = nullptr;
      OFCondition c = ASC_receiveAssociation(net, &assoc, cfg.getMaxReceivePDULength(), nullptr, nullptr,
                                             config.tls ? OFTrue : OFFalse, DUL_NOBLOCK, 1);
      if (c == DUL_NOASSOCIATIONREQUEST) {  // timeout: look at stop again
        ASC_destroyAssociation(&assoc);
        continue;
      }
      if (c.bad()) {  // e.g. a connection closed before its request: nothing to answer
        if (c.module() == OFM_dcmtls && assoc != nullptr) {
          // No certificate of our CA, plain TCP, a timeout: only the address is known (and logged).
          ++g_shared.counters->refused_associations;
          LogWarn(std::string("listen: TLS handshake failed, connection dropped: from ") +
                  assoc->params->DULparams.callingPresentationAddress);
        }
        ASC_dropSCPAssociation(assoc);
        ASC_destroyAssociation(&assoc);
        continue;
      }
      if (active >= config.max_associations) {
        T_ASC_RejectParameters rej = {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                                      ASC_REASON_SP_PRES_TEMPORARYCONGESTION};
        ASC_rejectAssociation(assoc, &rej);
        ASC_dropSCPAssociation(assoc);
        ASC_destroyAssociation(&assoc);
        ++g_shared.counters->refused_associations;
        LogWarn("listen: association refused (already " + std::to_string(config.max_associations) +
                " associations open, temporary congestion)");
        continue;
      }
      ++active;
      std::lock_guard<std::mutex> lock(mu);
      workers.emplace_back();
      Running& r = workers.back();
      r.thread = std::thread([this, assoc, &r] {
        {
          Worker w(assoc);
          w.setSharedConfig(*shared);
          w.run(assoc);  // negotiates (our checks), serves, releases; owns `assoc`
        }
        --active;
        r.done = true;
      });
    }
  }
};

StoreScp::StoreScp(StoreScpConfig config, Spool& spool, BatchTracker& batches, ListenCounters& counters)
    : impl_(new Impl) {
  impl_->config = std::move(config);
  g_shared = {&impl_->config, &spool, &batches, &counters};
}

StoreScp::~StoreScp() {
  Stop();
  if (impl_->net) ASC_dropNetwork(&impl_->net);
  delete impl_;
}

Status StoreScp::Start() {
  DcmSCPConfig& cfg = impl_->cfg;
  cfg.setAETitle(impl_->config.ae_title.c_str());
  cfg.setPort(impl_->config.port);
  cfg.setACSETimeout(30);
  cfg.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  cfg.setDIMSETimeout(60);
  cfg.setHostLookupEnabled(OFFalse);  // addresses as IPs: the allow-list compares them
  impl_->shared = std::make_unique<DcmSharedSCPConfig>(cfg);
  dcmDisableGethostbyaddr.set(OFTrue);
  OFCondition c = ASC_initializeNetwork(NET_ACCEPTOR, impl_->config.port, 30, &impl_->net);
  if (c.bad())
    return Status::Error(ErrorCode::kIoError, "listen: cannot listen on port " + std::to_string(impl_->config.port) +
                                                  ": " + c.text());
  if (impl_->config.tls) {
    c = ASC_setTransportLayer(impl_->net, impl_->config.tls.get(), 0);  // not owned: the config keeps it
    if (c.bad()) return Status::Error(ErrorCode::kInternal, std::string("listen: TLS: ") + c.text());
  }
  impl_->accept = std::thread([this] { impl_->Loop(); });
  return Status::Ok();
}

void StoreScp::Stop() {
  if (!impl_->accept.joinable()) return;
  impl_->stop = true;
  impl_->accept.join();  // within a second: the accept loop polls
  impl_->Reap(true);     // open associations finish
}

}  // namespace rwd::gateway
