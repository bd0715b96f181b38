#include "gateway/verify_command.h"

#include <iostream>

#include "gateway/manifest_verifier.h"

namespace rwd::gateway {

int VerifyCommand(const VerifyArgs& a) {
  VerifyOptions o;
  o.public_key_file = a.pubkey;
  o.workdir = a.workdir;
  const VerifyReport r = VerifyRelease(a.dir, o);
  for (const VerifyProblem& p : r.problems)
    std::cout << VerifyProblemName(p.kind) << ": " << p.path << ": " << p.detail << "\n";
  if (!r.key_fingerprint.empty())
    std::cout << "signing key fingerprint: " << r.key_fingerprint
              << (a.pubkey.empty() ? " (from manifest.pub.pem: compare it with the one the site published)" : "")
              << "\n";
  if (r.ok()) {
    std::cout << "OK: " << r.objects << " object(s) from " << r.segments
              << " run(s); signature, chain and every file verified";
    if (!a.workdir.empty()) std::cout << "; " << r.rows_checked << " database row(s) match their lines";
    std::cout << "; chain head " << r.chain_head << "\n";
    return 0;
  }
  std::cout << "FAILED: " << r.problems.size() << " problem(s); " << r.files_checked << " of " << r.objects
            << " listed file(s) intact\n";
  return 1;
}

}  // namespace rwd::gateway
