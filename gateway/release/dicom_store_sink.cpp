#include "gateway/release/dicom_store_sink.h"

#include <chrono>
#include <map>
#include <thread>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dstorscu.h>

namespace rwd::gateway {
namespace {

// Collects the peer's answer for every file sent.
class RecordingScu : public DcmStorageSCU {
 public:
  std::map<std::string, Uint16> status_by_file;
  OFCondition UseTls(DcmTransportLayer* layer) { return useSecureConnection(layer); }  // protected in DcmSCU

 protected:
  void notifySOPInstanceSent(const TransferEntry& entry) override {
    if (entry.RequestSent) status_by_file[entry.Filename.getCharPointer()] = entry.ResponseStatusCode;
  }
};

// PS3.4 B.2.3: Success (0000) and the Warning statuses (Bxxx) mean stored.
bool Stored(Uint16 status) { return status == 0x0000 || (status & 0xF000) == 0xB000; }

}  // namespace

DicomStoreSink::DicomStoreSink(DicomNode node, RetryPolicy retry, std::shared_ptr<DcmTransportLayer> tls)
    : node_(std::move(node)), retry_(retry), tls_(std::move(tls)),
      target_(std::string(node_.tls ? "dicoms://" : "dicom://") + node_.called_ae + "@" + node_.host + ":" +
              std::to_string(node_.port)) {}

Status DicomStoreSink::Attempt(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) {
  RecordingScu scu;
  scu.setAETitle(node_.calling_ae.c_str());
  scu.setPeerAETitle(node_.called_ae.c_str());
  scu.setPeerHostName(node_.host.c_str());
  scu.setPeerPort(node_.port);
  scu.setConnectionTimeout(10);
  scu.setACSETimeout(30);
  scu.setDIMSETimeout(60);
  scu.setHaltOnUnsuccessfulStoreMode(OFFalse);  // one refused object must not stop the series
  // Send every object in its own transfer syntax. Once the process has
  // registered DCMTK's decoders (pixel screening and cleaning do), the SCU
  // would otherwise also try to decompress, and for compressed objects
  // propose no context at all ("No Presentation Contexts defined").
  scu.setDecompressionMode(DcmStorageSCU::DM_never);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < files.size(); ++i) {
    if (delivered[i]) continue;
    OFCondition c = scu.addDicomFile(files[i].staging_path.c_str(), ERM_fileOnly, OFFalse);
    if (c.bad()) return Status::Error(ErrorCode::kIoError, std::string("cannot read a staged file: ") + c.text());
    index[files[i].staging_path] = i;
  }
  if (index.empty()) return Status::Ok();
  OFCondition c = EC_Normal;
  while (scu.getNumberOfSOPInstancesToBeSent() > 0) {
    // The pairs the remaining files need (at most 128 contexts per association).
    c = scu.addPresentationContexts();
    if (c.bad()) break;
    c = scu.initNetwork();  // per association: releasing one frees its parameters
    if (c.bad()) return Status::Error(ErrorCode::kIoError, std::string("network: ") + c.text());
    if (tls_) {
      c = scu.UseTls(tls_.get());
      if (c.bad()) return Status::Error(ErrorCode::kIoError, std::string("TLS: ") + c.text());
    }
    c = scu.negotiateAssociation();
    if (c.bad()) return Status::Error(ErrorCode::kIoError, std::string("association refused or failed: ") + c.text());
    c = scu.sendSOPInstances();
    scu.releaseAssociation();
    if (c.bad()) break;
  }
  for (const auto& [file, status] : scu.status_by_file) {
    auto it = index.find(file);
    if (it != index.end() && Stored(status)) delivered[it->second] = true;
  }
  for (size_t i = 0; i < files.size(); ++i)
    if (!delivered[i]) return Status::Error(ErrorCode::kIoError, std::string("not all objects stored by the peer") +
                                                                      (c.bad() ? std::string(": ") + c.text() : ""));
  return Status::Ok();
}

Status DicomStoreSink::Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) {
  return WithRetries(retry_, [&] { return Attempt(files, delivered); });
}

}  // namespace rwd::gateway
