#pragma once
// Debian's real DICOM test files (python3-pydicom, octave-dicom) for tests
// that decode pixels: where they are, loading them, and presenting their
// pixels under another transfer syntax. Header-only; needs doctest and the
// RWD_PYDICOM_TEST_FILES / RWD_OCTAVE_IMDATA definitions.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/dicom_file.h"
#include "core/pixel_data.h"
#include "tests/support/test_support.h"

namespace rwd::testing {

inline std::string Pydicom(const std::string& name) { return std::string(RWD_PYDICOM_TEST_FILES) + "/" + name; }
inline std::string Octave(const std::string& name) { return std::string(RWD_OCTAVE_IMDATA) + "/" + name; }

inline DicomFile ParseOk(const std::vector<uint8_t>& bytes, const std::string& what) {
  auto f = DicomFile::Parse(bytes);
  REQUIRE_MESSAGE(f.ok(), what, ": ", f.status().ToString());
  return std::move(f).value();
}
inline DicomFile LoadDicom(const std::string& path) { return ParseOk(ReadBytes(path), path); }

inline PixelData DecodeOk(const DicomFile& file, const std::string& what) {
  auto p = PixelData::Decode(file);
  REQUIRE_MESSAGE(p.ok(), what, ": ", p.status().ToString());
  return std::move(p).value();
}
inline PixelData DecodeFile(const std::string& path) { return DecodeOk(LoadDicom(path), path); }

// The values of `item` in the items of `sequence` (e.g. the code values of
// DeidentificationMethodCodeSequence).
inline std::vector<std::string> SequenceValues(DicomItem ds, Tag sequence, Tag item) {
  std::vector<std::string> values;
  ds.Walk([&](ElementRef& e) {
    if (e.tag() == sequence)
      for (size_t i = 0; i < e.NumItems(); ++i) values.push_back(e.Item(i).GetString(item).value_or(""));
    return DicomItem::Visit::kKeep;
  });
  return values;
}

// A Part 10 file with another Transfer Syntax UID in its meta header (the
// group length adjusted): known pixels under a syntax nobody can decode.
inline std::vector<uint8_t> WithTransferSyntax(std::vector<uint8_t> bytes, const std::string& uid) {
  const uint8_t tag[] = {0x02, 0x00, 0x10, 0x00, 'U', 'I'};
  auto it = std::search(bytes.begin(), bytes.end(), std::begin(tag), std::end(tag));
  REQUIRE(it != bytes.end());
  const size_t at = static_cast<size_t>(it - bytes.begin());
  const size_t old_len = bytes[at + 6] | (bytes[at + 7] << 8);
  std::string value = uid;
  if (value.size() & 1) value.push_back('\0');
  bytes.erase(bytes.begin() + static_cast<long>(at + 8), bytes.begin() + static_cast<long>(at + 8 + old_len));
  bytes.insert(bytes.begin() + static_cast<long>(at + 8), value.begin(), value.end());
  bytes[at + 6] = static_cast<uint8_t>(value.size());
  bytes[at + 7] = 0;
  const size_t gl = 132 + 8;  // (0002,0000) UL, right after the preamble and "DICM"
  uint32_t group = bytes[gl] | (bytes[gl + 1] << 8) | (bytes[gl + 2] << 16) | (uint32_t(bytes[gl + 3]) << 24);
  group = group - static_cast<uint32_t>(old_len) + static_cast<uint32_t>(value.size());
  for (int i = 0; i < 4; ++i) bytes[gl + i] = static_cast<uint8_t>(group >> (8 * i));
  return bytes;
}

}  // namespace rwd::testing
