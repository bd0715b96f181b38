#include "rules/standard_tables.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rwd::rules {
namespace {

const E11Row kRows[] = {
#include "rules/generated/e1_1_table.inc"
};

struct SafePrivateRow {
  const char* creator;
  uint16_t group;
  uint8_t offset;
  const char* vr;
  const char* vm;
};
const SafePrivateRow kSafePrivate[] = {
#include "rules/generated/safe_private_table.inc"
};

struct WellKnownUid {
  const char* uid;
  const char* type;
};
const WellKnownUid kUids[] = {
#include "rules/generated/well_known_uids.inc"
};

const StorageSopClass kStorage[] = {
#include "rules/generated/storage_sop_classes.inc"
};

const CodeItem kCid7050[] = {
#include "rules/generated/cid7050_table.inc"
};

struct Indexes {
  std::unordered_map<uint32_t, const E11Row*> exact;
  std::vector<const E11Row*> masks;
  const E11Row* private_row = nullptr;
  std::unordered_set<std::string> safe_private;  // "creator|gggg|oo"
  std::unordered_set<std::string_view> uids;
  Indexes() {
    for (const E11Row& r : kRows) {
      if (r.kind == E11Kind::kExact) exact[r.tag().key()] = &r;
      else if (r.kind == E11Kind::kMask) masks.push_back(&r);
      else private_row = &r;
    }
    for (const auto& s : kSafePrivate) safe_private.insert(SafeKey(s.creator, s.group, s.offset));
    for (const auto& u : kUids) uids.insert(u.uid);
  }
  static std::string SafeKey(std::string_view creator, uint16_t group, uint8_t offset) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "|%04X|%02X", group, offset);
    return std::string(creator) + buf;
  }
};
const Indexes& Idx() {
  static const Indexes idx;
  return idx;
}

constexpr const char* kOptionNames[kE11OptionCount] = {
    "retain_safe_private",           "retain_uids",
    "retain_device_identity",        "retain_institution_identity",
    "retain_patient_characteristics", "retain_longitudinal_temporal: full",
    "retain_longitudinal_temporal: modified", "clean_descriptors",
    "clean_structured_content",      "clean_graphics"};
// PS3.16 CID 7050 codes of the options, in the same order.
constexpr const char* kOptionCodes[kE11OptionCount] = {
    "113111", "113110", "113109", "113112", "113108",
    "113106", "113107", "113105", "113104", "113103"};

}  // namespace

const char* E11OptionName(E11Option o) { return kOptionNames[static_cast<int>(o)]; }
const char* E11OptionCode(E11Option o) { return kOptionCodes[static_cast<int>(o)]; }

std::span<const E11Row> E11Rows() { return kRows; }
std::span<const StorageSopClass> StandardStorageSopClasses() { return kStorage; }

const E11Row* FindE11Row(Tag tag) {
  if (tag.IsPrivate()) return nullptr;
  const Indexes& idx = Idx();
  auto it = idx.exact.find(tag.key());
  if (it != idx.exact.end()) return it->second;
  for (const E11Row* r : idx.masks)
    if (r->Matches(tag)) return r;
  return nullptr;
}

const E11Row& E11PrivateRow() { return *Idx().private_row; }

std::string E11Pattern(const E11Row& row) {
  if (row.kind == E11Kind::kPrivate) return "(GGGG,EEEE) odd group";
  std::string s = row.tag().ToString();
  // Put the X back where the mask has holes: "(6000,3000)" -> "(60XX,3000)".
  for (int i = 0; i < 4; ++i) {
    if (((row.group_mask >> (12 - 4 * i)) & 0xF) == 0) s[1 + i] = 'X';
    if (((row.element_mask >> (12 - 4 * i)) & 0xF) == 0) s[6 + i] = 'X';
  }
  return s;
}

bool IsSafePrivate(std::string_view creator, uint16_t group, uint8_t offset) {
  return Idx().safe_private.count(Indexes::SafeKey(creator, group, offset)) > 0;
}
size_t SafePrivateCount() { return std::size(kSafePrivate); }

bool IsWellKnownUid(std::string_view uid) {
  if (uid.rfind("1.2.840.10008.", 0) == 0) return true;
  return Idx().uids.count(uid) > 0;
}

const CodeItem* Cid7050(std::string_view code) {
  for (const CodeItem& c : kCid7050)
    if (code == c.value) return &c;
  return nullptr;
}

}  // namespace rwd::rules
