#pragma once
// Certificates for the DICOM TLS tests, made by the test with the openssl
// CLI (RSA 2048: the BCP 195 suites are ECDHE/DHE with RSA): a CA, a server
// certificate naming 127.0.0.1, a client certificate, and a client
// certificate of another CA. Private keys are 0600.
#include <string>

#include "tests/support/test_support.h"

namespace rwd::testing {

struct TestCertificates {
  std::string ca, server_cert, server_key, client_cert, client_key;
  std::string other_ca, other_cert, other_key;  // a client of another CA
};

inline bool MakeCa(const std::string& dir, const std::string& name, const std::string& subject) {
  return RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj " + Quote(subject) + " -keyout " +
                  Quote(dir + "/" + name + ".key") + " -out " + Quote(dir + "/" + name + ".pem") + " 2>&1")
             .exit_code == 0;
}

// A certificate signed by CA `ca` (files dir/ca.pem, dir/ca.key), with `san` as subjectAltName when given.
inline bool MakeSigned(const std::string& dir, const std::string& ca, const std::string& name,
                       const std::string& subject, const std::string& san) {
  const std::string p = dir + "/" + name;
  if (!san.empty()) WriteText(p + ".ext", "subjectAltName=" + san + "\n");
  return RunShell("openssl req -newkey rsa:2048 -nodes -subj " + Quote(subject) + " -keyout " + Quote(p + ".key") +
                  " -out " + Quote(p + ".csr") + " 2>&1 && openssl x509 -req -days 2 -in " + Quote(p + ".csr") +
                  " -CA " + Quote(dir + "/" + ca + ".pem") + " -CAkey " + Quote(dir + "/" + ca + ".key") +
                  " -CAcreateserial -out " + Quote(p + ".pem") + (san.empty() ? "" : " -extfile " + Quote(p + ".ext")) +
                  " 2>&1 && chmod 600 " + Quote(p + ".key"))
             .exit_code == 0;
}

inline bool MakeTestCertificates(const std::string& dir, TestCertificates& c) {
  RunShell("mkdir -p " + Quote(dir));
  if (!MakeCa(dir, "ca", "/CN=rwdgate test CA") || !MakeCa(dir, "other-ca", "/CN=another hospital CA") ||
      !MakeSigned(dir, "ca", "server", "/CN=rwdgate-node", "IP:127.0.0.1") ||
      !MakeSigned(dir, "ca", "client", "/CN=pacs-node", "") ||
      !MakeSigned(dir, "other-ca", "other", "/CN=RogueNodeXYZ", ""))
    return false;
  c = {dir + "/ca.pem",     dir + "/server.pem",   dir + "/server.key",   dir + "/client.pem",
       dir + "/client.key", dir + "/other-ca.pem", dir + "/other.pem",    dir + "/other.key"};
  return true;
}

}  // namespace rwd::testing
