#pragma once
// Hand-encoded DICOM bytes for tests that need files no toolkit would write
// (malformed lengths, undelimited or absurdly nested sequences, lying VRs).
// Explicit VR Little Endian unless said otherwise (PS3.5 7.1.2). Synthetic
// values only. Header-only.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rwd::testing {

using Bytes = std::vector<uint8_t>;

inline void Append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
inline void Put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
inline void Put32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Tag, VR and a length field as given (the value is not appended).
inline Bytes ElementHeader(uint16_t g, uint16_t e, const char* vr, uint32_t length) {
  Bytes b;
  Put16(b, g);
  Put16(b, e);
  b.push_back(static_cast<uint8_t>(vr[0]));
  b.push_back(static_cast<uint8_t>(vr[1]));
  static const char* kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                 "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
  bool short_form = false;
  for (const char* s : kShort) short_form = short_form || (vr[0] == s[0] && vr[1] == s[1]);
  if (short_form) {
    Put16(b, static_cast<uint16_t>(length));
  } else {
    Put16(b, 0);
    Put32(b, length);
  }
  return b;
}

// A complete element; text is padded to even length (space, UI: NUL)
// unless `pad` is false.
inline Bytes Element(uint16_t g, uint16_t e, const char* vr, std::string_view value, bool pad = true) {
  std::string v(value);
  if (pad && v.size() % 2) v.push_back(vr[0] == 'U' && vr[1] == 'I' ? '\0' : (vr[0] == 'O' ? '\0' : ' '));
  Bytes b = ElementHeader(g, e, vr, static_cast<uint32_t>(v.size()));
  b.insert(b.end(), v.begin(), v.end());
  return b;
}
inline Bytes U16Element(uint16_t g, uint16_t e, uint16_t v) {
  Bytes b = ElementHeader(g, e, "US", 2);
  Put16(b, v);
  return b;
}

inline Bytes ItemHeader(uint32_t length) {
  Bytes b;
  Put16(b, 0xFFFE);
  Put16(b, 0xE000);
  Put32(b, length);
  return b;
}
inline Bytes ItemDelimiter() { return {0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0}; }
inline Bytes SequenceDelimiter() { return {0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0}; }

// An undefined-length sequence holding one undefined-length item with `body`.
inline Bytes Sequence(uint16_t g, uint16_t e, const Bytes& body) {
  Bytes b = ElementHeader(g, e, "SQ", 0xFFFFFFFFu);
  Append(b, ItemHeader(0xFFFFFFFFu));
  Append(b, body);
  Append(b, ItemDelimiter());
  Append(b, SequenceDelimiter());
  return b;
}

// Preamble, "DICM" and a meta header for `sop_class` / `sop_instance` / `ts`.
inline Bytes Part10Header(const std::string& sop_class, const std::string& sop_instance,
                          const std::string& ts = "1.2.840.10008.1.2.1") {
  Bytes meta;
  Append(meta, Element(0x0002, 0x0001, "OB", std::string("\0\1", 2), false));
  Append(meta, Element(0x0002, 0x0002, "UI", sop_class));
  Append(meta, Element(0x0002, 0x0003, "UI", sop_instance));
  Append(meta, Element(0x0002, 0x0010, "UI", ts));
  Append(meta, Element(0x0002, 0x0012, "UI", "1.2.826.0.1.3680043.9.7156.1"));
  Bytes b(128, 0);
  b.insert(b.end(), {'D', 'I', 'C', 'M'});
  Bytes gl = ElementHeader(0x0002, 0x0000, "UL", 4);
  Put32(gl, static_cast<uint32_t>(meta.size()));
  Append(b, gl);
  Append(b, meta);
  return b;
}

// The identifying elements of a small synthetic CT object (tag order kept:
// append later groups after it). `patient_name` is the planted PHI.
struct SyntheticIds {
  std::string sop_class = "1.2.840.10008.5.1.4.1.1.2";  // CT Image Storage
  std::string sop_instance = "1.2.826.0.1.3680043.9.7156.2.1";
  std::string study = "1.2.826.0.1.3680043.9.7156.3.1";
  std::string series = "1.2.826.0.1.3680043.9.7156.4.1";
  std::string patient_name = "QUIXOTEFAKE^ALONSO";
  std::string patient_id = "SYNTH0451";
  std::string modality = "CT";
  std::string charset;  // (0008,0005) when not empty
};

inline Bytes IdentifyingElements(const SyntheticIds& id) {
  Bytes b;
  if (!id.charset.empty()) Append(b, Element(0x0008, 0x0005, "CS", id.charset));
  Append(b, Element(0x0008, 0x0016, "UI", id.sop_class));
  Append(b, Element(0x0008, 0x0018, "UI", id.sop_instance));
  Append(b, Element(0x0008, 0x0060, "CS", id.modality));
  Append(b, Element(0x0010, 0x0010, "PN", id.patient_name));
  Append(b, Element(0x0010, 0x0020, "LO", id.patient_id));
  Append(b, Element(0x0020, 0x000D, "UI", id.study));
  Append(b, Element(0x0020, 0x000E, "UI", id.series));
  return b;
}

// Image Pixel module (PS3.3 C.7.6.3) for a monochrome image.
inline Bytes ImagePixelModule(uint16_t rows, uint16_t columns, uint16_t bits, const std::string& photometric = "MONOCHROME2") {
  Bytes b;
  Append(b, U16Element(0x0028, 0x0002, 1));
  Append(b, Element(0x0028, 0x0004, "CS", photometric));
  Append(b, U16Element(0x0028, 0x0010, rows));
  Append(b, U16Element(0x0028, 0x0011, columns));
  Append(b, U16Element(0x0028, 0x0100, bits));
  Append(b, U16Element(0x0028, 0x0101, bits));
  Append(b, U16Element(0x0028, 0x0102, static_cast<uint16_t>(bits - 1)));
  Append(b, U16Element(0x0028, 0x0103, 0));
  return b;
}

// Native Pixel Data of `length` bytes (a gradient).
inline Bytes NativePixelData(uint32_t length, const char* vr = "OW") {
  Bytes b = ElementHeader(0x7FE0, 0x0010, vr, length);
  for (uint32_t i = 0; i < length; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

// `depth` sequences (0040,A730 ContentSequence) nested inside each other.
inline Bytes NestedSequences(int depth) {
  Bytes b;
  b.reserve(static_cast<size_t>(depth) * 40);
  for (int i = 0; i < depth; ++i) {
    Append(b, ElementHeader(0x0040, 0xA730, "SQ", 0xFFFFFFFFu));
    Append(b, ItemHeader(0xFFFFFFFFu));
  }
  for (int i = 0; i < depth; ++i) {
    Append(b, ItemDelimiter());
    Append(b, SequenceDelimiter());
  }
  return b;
}

}  // namespace rwd::testing
