#pragma once
// --release-to URL: which target, and the sink for it.
//   dicom://AE@host:port           C-STORE SCU (dicom_store_sink.h)
//   dicoms://AE@host:port          the same over DICOM TLS (--release-tls-cert/-key/-ca)
//   http(s)://host[:port]/path     STOW-RS (stow_rs_sink.h), the DICOMweb base
// A URL carrying credentials ("user:pw@") is refused: credentials come from
// --credentials FILE only (owner-readable only), never the command line.
#include <memory>
#include <string>

#include "core/status.h"
#include "gateway/release/dicom_store_sink.h"
#include "gateway/release/release_sink.h"

namespace rwd::gateway {

struct ReleaseTarget {
  enum class Kind { kDicom, kStowRs } kind = Kind::kDicom;
  DicomNode node;   // kDicom
  std::string url;  // kStowRs: the DICOMweb base URL
};

// kInvalidArgument with a message naming the expected forms.
Result<ReleaseTarget> ParseReleaseTarget(const std::string& url);

// The first line of a credentials file; kUnsafe when group or others may
// read it, kIoError when it cannot be read.
Result<std::string> ReadCredentials(const std::string& path);

// `calling_ae` is this gateway's AE title for C-STORE; `tls` the client
// layer for a dicoms:// target (tls/tls_layer.h).
std::unique_ptr<ReleaseSink> MakeRemoteSink(const ReleaseTarget& target, const std::string& credentials,
                                            const std::string& calling_ae, RetryPolicy retry,
                                            std::shared_ptr<DcmTransportLayer> tls = nullptr);

}  // namespace rwd::gateway
