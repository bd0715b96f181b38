#pragma once
// A UN element whose dictionary VR is SQ is read back as a sequence (DCMTK
// and core/nesting_scan do so), so its value must be a readable implicit-VR
// little-endian sequence. DCMTK turns an element with a non-standard VR into
// UN with whatever bytes it had; written out, such a value would make the
// de-identified file unreadable (fuzzing found one claiming a 540 MB
// element). Checked after every parse, so a file that holds one is refused
// as malformed before anything is released from it.
#include "core/status.h"

class DcmItem;

namespace rwd {

// Fails with kTruncated naming the element's tag (never its value) when a UN
// element of a dictionary SQ, at any depth, does not scan as a sequence.
Status CheckUnknownSequences(DcmItem& item);

}  // namespace rwd
