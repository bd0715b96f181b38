#pragma once
// DCMTK's TLS transport (dcmtls) set up for one rwdgate node: DICOM's
// Non-downgrading BCP 195 TLS Profile (PS3.15 B.9, RFC 7525: TLS 1.2 or
// newer, AES-GCM with ephemeral keys), both sides authenticated with
// certificates of the one trusted CA. Encrypted private keys are refused
// (nothing may prompt; the key file's mode protects it, tls_files.h).
//
// A handshake that has not finished after `kTlsHandshakeSeconds` fails: a
// peer that connects and stays silent must not hold the accept loop (the
// server's handshake runs there) or a release worker.
#include <memory>
#include <string>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dcmlayer.h>

#include "core/status.h"
#include "gateway/tls/tls_files.h"

namespace rwd::gateway {

inline constexpr int kTlsHandshakeSeconds = 10;

enum class TlsRole {
  kServer,  // listen: requires a client certificate signed by the CA
  kClient,  // release: the server's certificate must be signed by the CA and name `peer_host`
};

// kInvalidArgument naming the file when a certificate or key cannot be
// loaded or they do not match. The layer is shared by every connection of
// the process (OpenSSL contexts are thread-safe).
Result<std::shared_ptr<DcmTransportLayer>> MakeTlsLayer(TlsRole role, const TlsFiles& files,
                                                        const std::string& peer_host = "");

}  // namespace rwd::gateway
