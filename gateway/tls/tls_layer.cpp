#include "gateway/tls/tls_layer.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <dcmtk/dcmtls/tlslayer.h>
#include <dcmtk/dcmtls/tlstrans.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace rwd::gateway {
namespace {

// A TLS connection whose handshake is bounded in time: socket timeouts
// while it runs, cleared after (DIMSE has its own timeouts).
class BoundedHandshakeConnection : public DcmTLSConnection {
 public:
  using DcmTLSConnection::DcmTLSConnection;
  OFCondition serverSideHandshake() override { return Bounded([this] { return DcmTLSConnection::serverSideHandshake(); }); }
  OFCondition clientSideHandshake() override { return Bounded([this] { return DcmTLSConnection::clientSideHandshake(); }); }

 private:
  template <class F>
  OFCondition Bounded(F handshake) {
    SetTimeouts(kTlsHandshakeSeconds);
    OFCondition c = handshake();
    SetTimeouts(0);
    return c;
  }
  void SetTimeouts(int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(getSocket(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(getSocket(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
};

class BoundedTlsLayer : public DcmTLSTransportLayer {
 public:
  BoundedTlsLayer(T_ASC_NetworkRole role) : DcmTLSTransportLayer(role, nullptr, OFTrue) {}
  DcmTransportConnection* createConnection(DcmNativeSocketType socket, OFBool secure) override {
    if (!secure) return DcmTLSTransportLayer::createConnection(socket, secure);
    SSL* ssl = SSL_new(getNativeHandle());
    if (ssl == nullptr) return nullptr;
    SSL_set_fd(ssl, socket);
    return new BoundedHandshakeConnection(socket, ssl);
  }
};

Status Bad(const std::string& what) { return Status::Error(ErrorCode::kInvalidArgument, "TLS: " + what); }

}  // namespace

Result<std::shared_ptr<DcmTransportLayer>> MakeTlsLayer(TlsRole role, const TlsFiles& files,
                                                        const std::string& peer_host) {
  auto layer = std::make_shared<BoundedTlsLayer>(role == TlsRole::kServer ? NET_ACCEPTOR : NET_REQUESTOR);
  if (!*layer) return Bad("cannot create the TLS context");
  layer->setPrivateKeyPasswd("");  // an encrypted key fails to load instead of prompting
  if (layer->setPrivateKeyFile(files.key.c_str(), DCF_Filetype_PEM).bad())
    return Bad("cannot load the private key " + files.key + " (PEM, not encrypted)");
  if (layer->setCertificateFile(files.cert.c_str(), DCF_Filetype_PEM).bad())
    return Bad("cannot load the certificate " + files.cert + " (PEM)");
  if (!layer->checkPrivateKeyMatchesCertificate())
    return Bad("the private key " + files.key + " does not belong to the certificate " + files.cert);
  if (layer->addTrustedCertificateFile(files.ca.c_str(), DCF_Filetype_PEM).bad())
    return Bad("cannot load the CA certificate " + files.ca + " (PEM)");
  if (layer->setTLSProfile(TSP_Profile_BCP195_ND).bad() || layer->activateCipherSuites().bad())
    return Bad("cannot set the BCP 195 profile");
  layer->setCertificateVerification(DCV_requireCertificate);
  if (role == TlsRole::kClient && !peer_host.empty()) {
    // The CA may sign many nodes: the certificate must also name the host we called (RFC 6125).
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(layer->getNativeHandle());
    std::string host = peer_host;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    in6_addr addr6{};
    in_addr addr4{};
    const bool ip = ::inet_pton(AF_INET, host.c_str(), &addr4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &addr6) == 1;
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (ok != 1) return Bad("cannot check the peer's certificate against " + host);
  }
  return std::shared_ptr<DcmTransportLayer>(std::move(layer));
}

}  // namespace rwd::gateway
