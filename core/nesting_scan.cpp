#include "core/nesting_scan.h"

#include "core/dicom_tag.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace rwd {
namespace {

constexpr uint32_t kUndefined = 0xFFFFFFFFu;
constexpr size_t kOpenEnd = static_cast<size_t>(-1);
// A deflated dataset is inflated at most to this size for the scan (a
// deflate bomb is refused as malformed rather than inflated).
constexpr size_t kMaxInflated = size_t{1} << 30;

struct Encoding {
  bool explicit_vr = true;
  bool big_endian = false;
};

// PS3.5 Table 7.1-2: the VRs with a 16-bit length. Every other VR, unknown
// ones included (DCMTK reads an unknown VR like UN), has a 2-byte reserved
// field and a 32-bit length (Table 7.1-1).
bool IsLongFormVr(const char* vr) {
  static const char* kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                 "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
  for (const char* s : kShort)
    if (vr[0] == s[0] && vr[1] == s[1]) return false;
  return true;
}

bool IsUpper(uint8_t c) { return c >= 'A' && c <= 'Z'; }

bool DictionarySaysSequence(uint16_t g, uint16_t e) {
  return DcmTag(g, e).getEVR() == EVR_SQ;
}

class Scanner {
 public:
  Scanner(std::span<const uint8_t> b, int max_depth) : b_(b), max_depth_(max_depth) {}

  // The top-level Pixel Data met by the last Scan.
  const PixelDataEncoding& pixels() const { return pixels_; }

  enum class Verdict { kOk, kTooDeep, kOverrun };

  // Where a File Meta Information group ends, as DCMTK's DcmMetaInfo::read
  // decides: at the first element boundary at or after `end` (the value of
  // (0002,0000)), or, without a group length, before the first top-level
  // element whose first two bytes do not say group 0002 in either byte order.
  struct MetaBounds {
    size_t end = kOpenEnd;
  };

  // Scans elements from `pos` to the end in encoding `enc` (with `meta`: only
  // the meta group; then meta_end() and meta_ts() tell where it ended and the
  // first top-level (0002,0010) value). kOverrun: a value (not a sequence)
  // claims more bytes than the file has left; `where` is then set to its tag.
  Verdict Scan(size_t pos, Encoding enc, uint32_t* where = nullptr, const MetaBounds* meta = nullptr) {
    frames_.clear();
    depth_ = 0;
    pixels_ = {};
    meta_end_ = b_.size();
    meta_ts_.clear();
    bool ts_seen = false;
    while (true) {
      while (!frames_.empty() && frames_.back().end != kOpenEnd && pos >= frames_.back().end) Pop();
      if (meta && frames_.empty() &&
          (meta->end != kOpenEnd ? pos >= meta->end
                                 : pos + 2 > b_.size() || !((b_[pos] == 0x02 && b_[pos + 1] == 0x00) ||
                                                            (b_[pos] == 0x00 && b_[pos + 1] == 0x02)))) {
        meta_end_ = std::min(pos, b_.size());
        return Verdict::kOk;
      }
      if (pos + 8 > b_.size()) return Verdict::kOk;
      const Encoding cur = frames_.empty() ? enc : frames_.back().enc;
      const uint16_t g = U16(pos, cur), e = U16(pos + 2, cur);
      if (g == 0xFFFE) {
        const uint32_t len = U32(pos + 4, cur);
        pos += 8;
        if (e == 0xE000) {
          if (!frames_.empty() && frames_.back().kind == Kind::kFragments) {
            if (len == kUndefined) return Verdict::kOk;
            if (len > b_.size() - pos) {  // a fragment is read into a buffer of its length
              if (where) *where = 0x7FE00010;
              return Verdict::kOverrun;
            }
            pos += len;
          } else {
            frames_.push_back({Kind::kItem, len == kUndefined ? kOpenEnd : pos + len, cur});
          }
        } else if (e == 0xE00D) {
          PopUntil(Kind::kItem);
        } else if (e == 0xE0DD) {
          PopUntilSequence();
        } else {
          // Another (FFFE,xxxx): the parser reads it as a plain element and
          // allocates its length.
          if (len == kUndefined) return Verdict::kOk;
          if (len > b_.size() - pos) {
            if (where) *where = uint32_t(g) << 16 | e;
            return Verdict::kOverrun;
          }
          pos += len;
        }
        continue;
      }
      uint32_t len;
      size_t header;
      char vr[2] = {0, 0};
      if (cur.explicit_vr) {
        vr[0] = static_cast<char>(b_[pos + 4]);
        vr[1] = static_cast<char>(b_[pos + 5]);
        if (IsLongFormVr(vr)) {
          if (pos + 12 > b_.size()) return Verdict::kOk;
          len = U32(pos + 8, cur);
          header = 12;
        } else {
          len = U16(pos + 6, cur);
          header = 8;
        }
      } else {
        len = U32(pos + 4, cur);
        header = 8;
      }
      pos += header;
      const bool un = cur.explicit_vr && IsLongFormVr(vr) && !(vr[0] == 'S' && vr[1] == 'Q') &&
                      !(vr[0] == 'O') && !(vr[0] == 'U' && (vr[1] == 'C' || vr[1] == 'R' || vr[1] == 'T'));
      const bool pixel_data = g == 0x7FE0 && e == 0x0010;
      if (pixel_data && frames_.empty()) pixels_ = {true, len == kUndefined, len};
      bool sequence = (vr[0] == 'S' && vr[1] == 'Q') || len == kUndefined;
      // DCMTK reads UN of a dictionary SQ, and implicit-VR SQs, as sequences.
      if (!sequence && (un || !cur.explicit_vr) && len != 0 && !pixel_data) sequence = DictionarySaysSequence(g, e);
      if (pixel_data && len == kUndefined) {
        frames_.push_back({Kind::kFragments, kOpenEnd, cur});
        continue;
      }
      if (sequence) {
        if (++depth_ > max_depth_) return Verdict::kTooDeep;
        Encoding inner = cur;
        if (un) inner = Encoding{false, false};  // UN content: implicit VR little endian (PS3.5 6.2.2)
        frames_.push_back({Kind::kSequence, len == kUndefined ? kOpenEnd : pos + len, inner});
        continue;
      }
      if (len > b_.size() - pos) {
        if (where) *where = uint32_t(g) << 16 | e;
        return Verdict::kOverrun;
      }
      if (meta && frames_.empty() && g == 0x0002 && e == 0x0010 && !ts_seen) {  // DCMTK keeps the first
        ts_seen = true;
        meta_ts_.assign(reinterpret_cast<const char*>(b_.data() + pos), len);
        while (!meta_ts_.empty() && (meta_ts_.back() == '\0' || meta_ts_.back() == ' ')) meta_ts_.pop_back();
      }
      pos += len;
    }
  }

  size_t meta_end() const { return meta_end_; }
  const std::string& meta_ts() const { return meta_ts_; }

 private:
  enum class Kind { kSequence, kItem, kFragments };
  struct Frame {
    Kind kind;
    size_t end;  // kOpenEnd: ends at a delimiter
    Encoding enc;
  };

  uint16_t U16(size_t o, Encoding enc) const {
    return enc.big_endian ? static_cast<uint16_t>(b_[o] << 8 | b_[o + 1]) : static_cast<uint16_t>(b_[o] | b_[o + 1] << 8);
  }
  uint32_t U32(size_t o, Encoding enc) const {
    return enc.big_endian ? (uint32_t(b_[o]) << 24 | uint32_t(b_[o + 1]) << 16 | uint32_t(b_[o + 2]) << 8 | b_[o + 3])
                          : (b_[o] | uint32_t(b_[o + 1]) << 8 | uint32_t(b_[o + 2]) << 16 | uint32_t(b_[o + 3]) << 24);
  }
  void Pop() {
    if (frames_.back().kind == Kind::kSequence) --depth_;
    frames_.pop_back();
  }
  void PopUntil(Kind kind) {
    while (!frames_.empty()) {
      const Kind k = frames_.back().kind;
      Pop();
      if (k == kind) return;
    }
  }
  void PopUntilSequence() {
    while (!frames_.empty()) {
      const Kind k = frames_.back().kind;
      Pop();
      if (k == Kind::kSequence || k == Kind::kFragments) return;
    }
  }

  std::span<const uint8_t> b_;
  int max_depth_;
  int depth_ = 0;
  std::vector<Frame> frames_;
  PixelDataEncoding pixels_;
  size_t meta_end_ = 0;
  std::string meta_ts_;
};

// The File Meta Information as DCMTK reads it (DcmMetaInfo::read): after
// the preamble when "DICM" is there; group 0002 in an encoding judged once
// from its first element (big endian when the group reads 0002 that way,
// explicit VR when the first VR is a standard one); bounded by the value of
// a leading (0002,0000), else by the first element of another group.
struct MetaInfo {
  size_t start = 0;  // where the meta group starts
  size_t end = 0;    // where the dataset starts
  std::string ts;    // the first (0002,0010) value; "" when none
};

Scanner::Verdict ReadMeta(std::span<const uint8_t> b, Scanner& scanner, MetaInfo* m, uint32_t* where) {
  size_t pos = 0;
  if (b.size() >= 132 && std::memcmp(b.data() + 128, "DICM", 4) == 0) pos = 132;
  m->start = m->end = pos;
  if (pos + 8 > b.size()) return Scanner::Verdict::kOk;
  const bool little = b[pos] == 0x02 && b[pos + 1] == 0x00, big = b[pos] == 0x00 && b[pos + 1] == 0x02;
  if (!little && !big) return Scanner::Verdict::kOk;  // no meta header
  const char vr[3] = {static_cast<char>(b[pos + 4]), static_cast<char>(b[pos + 5]), 0};
  const Encoding enc{IsUpper(b[pos + 4]) && IsUpper(b[pos + 5]) && DcmVR(vr).isStandard(), big && !little};
  auto u16 = [&](size_t o) { return enc.big_endian ? uint32_t(b[o] << 8 | b[o + 1]) : uint32_t(b[o] | b[o + 1] << 8); };
  auto u32 = [&](size_t o) {
    return enc.big_endian ? (uint32_t(b[o]) << 24 | uint32_t(b[o + 1]) << 16 | uint32_t(b[o + 2]) << 8 | b[o + 3])
                          : (b[o] | uint32_t(b[o + 1]) << 8 | uint32_t(b[o + 2]) << 16 | uint32_t(b[o + 3]) << 24);
  };
  Scanner::MetaBounds bounds;
  if (u16(pos + 2) == 0x0000) {  // (0002,0000) first: its value bounds the group
    const size_t header = enc.explicit_vr ? (IsLongFormVr(vr) ? 12 : 8) : 8;
    const uint32_t len = enc.explicit_vr && header == 8 ? u16(pos + 6) : u32(pos + (header == 12 ? 8 : 4));
    if (len == 4 && pos + header + 4 <= b.size()) bounds.end = pos + header + 4 + u32(pos + header);
  }
  const Scanner::Verdict v = scanner.Scan(pos, enc, where, &bounds);
  m->end = scanner.meta_end();
  m->ts = scanner.meta_ts();
  return v;
}

// The dataset after `at`, inflated (deflated transfer syntaxes, PS3.5 A.5).
// Fails when it would exceed kMaxInflated.
bool Inflate(std::span<const uint8_t> b, size_t at, std::vector<uint8_t>* out) {
  DcmInputBufferStream in;
  in.setBuffer(b.data(), static_cast<offile_off_t>(b.size()));
  in.setEos();
  if (in.skip(static_cast<offile_off_t>(at)) != static_cast<offile_off_t>(at)) return true;
  if (in.installCompressionFilter(ESC_zlib).bad()) return true;
  uint8_t chunk[65536];
  while (!in.eos()) {
    const offile_off_t n = in.read(chunk, sizeof chunk);
    if (n <= 0) break;
    if (out->size() + static_cast<size_t>(n) > kMaxInflated) return false;
    out->insert(out->end(), chunk, chunk + n);
  }
  return true;
}

Status TooDeep(int max_depth) {
  return Status::Error(ErrorCode::kTruncated, "malformed: sequences nested deeper than " + std::to_string(max_depth) +
                                                  " levels (refused before parsing)");
}

Status Overrun(uint32_t tag) {
  const std::string t = Tag{static_cast<uint16_t>(tag >> 16), static_cast<uint16_t>(tag & 0xFFFF)}.ToString();
  return Status::Error(ErrorCode::kTruncated, "truncated or malformed: the value of " + t +
                                                  " runs past the end of the file (refused before parsing)");
}

// The encoding a parser would guess for a dataset without meta header: byte
// order from the first group (0008 little or big endian), explicit VR when
// the bytes after the tag are a plausible VR.
Encoding GuessEncoding(std::span<const uint8_t> b, size_t at) {
  Encoding enc;
  if (at + 6 > b.size()) return enc;
  enc.big_endian = b[at] == 0x00 && b[at + 1] == 0x08;
  enc.explicit_vr = IsUpper(b[at + 4]) && IsUpper(b[at + 5]);
  return enc;
}

Status Judge(Scanner& scanner, size_t start, Encoding primary, bool guessed, int max_depth,
             PixelDataEncoding* pixels) {
  uint32_t where = 0;
  const Scanner::Verdict verdict = scanner.Scan(start, primary, &where);
  if (pixels) *pixels = scanner.pixels();
  switch (verdict) {
    case Scanner::Verdict::kTooDeep: return TooDeep(max_depth);
    case Scanner::Verdict::kOverrun: return Overrun(where);
    case Scanner::Verdict::kOk: break;
  }
  if (!guessed) return Status::Ok();
  // A guessed encoding may be wrong: depth is checked under every other
  // guess too (lengths are not: garbage read the wrong way is not an error).
  for (Encoding enc : {Encoding{true, false}, Encoding{false, false}, Encoding{true, true}, Encoding{false, true}})
    if (scanner.Scan(start, enc) == Scanner::Verdict::kTooDeep) return TooDeep(max_depth);
  return Status::Ok();
}

}  // namespace

Status CheckNestingDepth(std::span<const uint8_t> file, int max_depth, PixelDataEncoding* pixels) {
  if (pixels) *pixels = {};
  Scanner scanner(file, max_depth);
  MetaInfo meta;
  uint32_t meta_where = 0;
  switch (ReadMeta(file, scanner, &meta, &meta_where)) {
    case Scanner::Verdict::kTooDeep: return TooDeep(max_depth);
    case Scanner::Verdict::kOverrun: return Overrun(meta_where);
    case Scanner::Verdict::kOk: break;
  }
  const size_t start = meta.end;
  if (start >= file.size()) return Status::Ok();
  // DCMTK reads the dataset in the syntax the meta header names when it
  // knows it, else it guesses from the first bytes (DcmDataset::read).
  const E_TransferSyntax xs = meta.ts.empty() ? EXS_Unknown : DcmXfer(meta.ts.c_str()).getXfer();
  if (xs == EXS_DeflatedLittleEndianExplicit) {
    std::vector<uint8_t> inflated;
    if (!Inflate(file, start, &inflated))
      return Status::Error(ErrorCode::kTruncated, "malformed: deflated dataset inflates beyond 1 GiB");
    Scanner inner(inflated, max_depth);
    return Judge(inner, 0, Encoding{true, false}, false, max_depth, pixels);
  }
  if (xs == EXS_Unknown) return Judge(scanner, start, GuessEncoding(file, start), true, max_depth, pixels);
  const DcmXfer xfer(xs);
  return Judge(scanner, start, Encoding{xfer.isExplicitVR(), xfer.isBigEndian()}, false, max_depth, pixels);
}

}  // namespace rwd
