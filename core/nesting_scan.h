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

// Fails with kTruncated ("malformed") when sequences (SQ, undefined-length
// UN, UN whose dictionary VR is SQ) nest deeper than `max_depth` anywhere in
// `file` (a Part 10 file, with or without preamble and meta header; deflated
// datasets are inflated first). Anything the scan cannot follow (bad lengths,
// garbage) ends the scan without error: the parser then reports it.
Status CheckNestingDepth(std::span<const uint8_t> file, int max_depth = kMaxParseNesting);

}  // namespace rwd
