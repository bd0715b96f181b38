#include "gateway/profile_command.h"

#include <iostream>

#include "rules/profile_loader.h"

namespace rwd::gateway {

int ProfileCheckCommand(const ProfileArgs& a) {
  auto p = rules::LoadProfile(a.file);
  if (!p.ok()) {
    std::cerr << p.status().message() << "\n";
    return 2;
  }
  std::cout << a.file << ": OK: profile '" << p->name << "', base " << p->base << ", " << p->rules.size()
            << " override(s), " << p->reject.size() << " filter entr" << (p->reject.size() == 1 ? "y" : "ies")
            << ", sha256 " << p->sha256.substr(0, 12) << "\n";
  return 0;
}

}  // namespace rwd::gateway
