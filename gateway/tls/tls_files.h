#pragma once
// The three files of a DICOM TLS node (PS3.15 B.9, BCP 195): our
// certificate, its private key and the CA whose certificates we trust for
// the peer. Given all together or not at all.
#include <string>

#include "core/status.h"

namespace rwd::gateway {

struct TlsFiles {
  std::string cert, key, ca;  // PEM files
  bool any() const { return !cert.empty() || !key.empty() || !ca.empty(); }
  bool all() const { return !cert.empty() && !key.empty() && !ca.empty(); }
};

// Before anything is opened: kInvalidArgument when only some are given (the
// message names the options, `option_prefix` + cert|key|ca, e.g. "--tls-"),
// kIoError when a file cannot be read, kUnsafe when the private key is
// readable by group or others (as the project key). Ok when none is given.
Status CheckTlsFiles(const TlsFiles& files, const std::string& option_prefix);

}  // namespace rwd::gateway
