#include "gateway/profile_command.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "rules/profile_explainer.h"
#include "rules/profile_loader.h"

namespace rwd::gateway {
namespace {

void PrintRow(const std::string& tag, const std::string& keyword, const std::string& base, const std::string& option,
              const std::string& override_origin, const std::string& action) {
  std::printf("%-26s %-36s %-7s %-40s %-26s %s\n", tag.c_str(), keyword.substr(0, 36).c_str(), base.c_str(),
              option.c_str(), override_origin.c_str(), action.c_str());
}

bool Load(const std::string& file, rules::Profile& out) {
  auto p = rules::LoadProfile(file);
  if (!p.ok()) {
    std::cerr << p.status().message() << "\n";
    return false;
  }
  out = std::move(p).value();
  return true;
}

}  // namespace

int ProfileCheckCommand(const ProfileArgs& a) {
  rules::Profile p;
  if (!Load(a.file, p)) return 2;
  std::cout << a.file << ": OK: profile '" << p.name << "', base " << p.base << ", " << p.rules.size()
            << " override(s), " << p.reject.size() << " filter entr" << (p.reject.size() == 1 ? "y" : "ies")
            << ", sha256 " << p.sha256.substr(0, 12) << "\n";
  return 0;
}

int ProfileExplainCommand(const ProfileArgs& a) {
  rules::Profile p;
  if (!Load(a.file, p)) return 2;
  if (!a.tag.empty()) {
    auto rows = rules::ExplainOne(p, a.tag);
    if (rows.empty()) {
      std::cerr << "'" << a.tag << "' is neither a tag like (0010,0020) nor a DICOM keyword\n";
      return 2;
    }
    for (const auto& r : rows) {
      std::cout << r.tag << " " << r.keyword << " — " << r.name << "\n"
                << "  Table E.1-1 code: " << (r.base.empty() ? "(not listed)" : r.base) << "\n"
                << "  changed by option: " << (r.option.empty() ? "-" : r.option) << "\n"
                << "  changed by override: " << (r.override_origin.empty() ? "-" : r.override_origin) << "\n"
                << "  final action: " << r.action << "\n"
                << "  why: " << r.why << "\n";
    }
    return 0;
  }
  std::cout << "Profile '" << p.name << "' (" << a.file << ", base " << p.base << ", sha256 "
            << p.sha256.substr(0, 12) << ")\n\n";
  PrintRow("TAG", "KEYWORD", "BASE", "OPTION", "OVERRIDE", "ACTION");
  int removed = 0, shown = 0;
  for (const auto& r : rules::ExplainProfile(p)) {
    // Removal is the Basic Profile's default; list it only on request.
    if (!a.all && r.action == "remove" && r.option.empty() && r.override_origin.empty()) {
      ++removed;
      continue;
    }
    ++shown;
    PrintRow(r.tag, r.keyword, r.base, r.option, r.override_origin, r.action);
  }
  if (removed)
    std::cout << "\n(" << removed << " more Table E.1-1 attributes are removed (X); --all lists them)\n";
  std::cout << "\nEverything else:\n";
  for (const auto& line : rules::ExplainPolicy(p)) std::cout << "  - " << line << "\n";
  return 0;
}

int ProfileDiffCommand(const ProfileArgs& a) {
  rules::Profile pa, pb;
  if (!Load(a.file, pa) || !Load(a.other, pb)) return 2;
  std::map<std::string, rules::ExplainRow> ra, rb;
  for (auto& r : rules::ExplainProfile(pa)) ra[r.tag] = r;
  for (auto& r : rules::ExplainProfile(pb)) rb[r.tag] = r;
  std::set<std::string> tags;
  for (auto& [t, r] : ra) tags.insert(t);
  for (auto& [t, r] : rb) tags.insert(t);
  std::cout << "Differences in effect: A = " << a.file << " ('" << pa.name << "'), B = " << a.other << " ('"
            << pb.name << "')\n\n";
  std::printf("%-26s %-36s %-30s %s\n", "TAG", "KEYWORD", "A", "B");
  int n = 0;
  for (const auto& t : tags) {
    const bool in_a = ra.count(t), in_b = rb.count(t);
    const std::string act_a = in_a ? ra[t].action : "(policy)", act_b = in_b ? rb[t].action : "(policy)";
    if (act_a == act_b) continue;
    ++n;
    const std::string kw = in_a ? ra[t].keyword : rb[t].keyword;
    std::printf("%-26s %-36s %-30s %s\n", t.c_str(), kw.substr(0, 36).c_str(), act_a.c_str(), act_b.c_str());
  }
  const auto la = rules::ExplainPolicy(pa), lb = rules::ExplainPolicy(pb);
  const std::set<std::string> sa(la.begin(), la.end()), sb(lb.begin(), lb.end());
  bool header = false;
  for (const auto& l : la)
    if (!sb.count(l)) {
      if (!header) std::cout << "\nPolicy:\n", header = true;
      std::cout << "  A only: " << l << "\n";
      ++n;
    }
  for (const auto& l : lb)
    if (!sa.count(l)) {
      if (!header) std::cout << "\nPolicy:\n", header = true;
      std::cout << "  B only: " << l << "\n";
      ++n;
    }
  std::cout << "\n" << n << " difference(s)\n";
  return 0;
}

}  // namespace rwd::gateway
