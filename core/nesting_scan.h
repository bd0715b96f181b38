#pragma once
// A cheap, iterative pre-scan of a DICOM file's sequence nesting, run before
// DCMTK parses it: DCMTK's reader recurses once per nested sequence and item,
// so a file nested a few thousand levels deep overflows the stack and kills
// the process before any depth limit applies. The scan walks element headers
// (PS3.5 7.1, 7.5) with an explicit stack and skips values, so its cost is
// linear in the number of elements and its memory is bounded by `max_depth`.
#include <cstdint>
#include <span>

#include "core/status.h"

namespace rwd {

// Sequences nested deeper than this are refused before parsing.
inline constexpr int kMaxParseNesting = 128;

// How the top-level Pixel Data element (7FE0,0010) is encoded in the file,
// as the scan met it (DCMTK pads odd lengths on reading, so the bytes are
// the only witness).
struct PixelDataEncoding {
  bool present = false;
  bool undefined_length = false;  // encapsulated: items up to a delimiter
  uint64_t length = 0;            // the value length field (defined lengths)
};

// Fails with kTruncated ("malformed") when sequences (SQ, undefined-length
// UN, UN whose dictionary VR is SQ) nest deeper than `max_depth` anywhere in
// `file` (a Part 10 file, with or without preamble and meta header; deflated
// datasets are inflated first). Anything the scan cannot follow (bad lengths,
// garbage) ends the scan without error: the parser then reports it.
// `pixels` (optional) receives the top-level Pixel Data encoding.
Status CheckNestingDepth(std::span<const uint8_t> file, int max_depth = kMaxParseNesting,
                         PixelDataEncoding* pixels = nullptr);

}  // namespace rwd
