#pragma once
// The gate's second look at burned-in text: the released pixels are decoded
// (core/pixel_data.h) and read again by OCR, whole frame, under two
// preprocessings of the gate's own (independent of the pixel cleaner's
// windowing): a full-range linear window and a percentile window with the
// grey levels inverted, so light and dark text on any background reach
// the reader as dark text on light.
#include <vector>

#include "anonymizer/pixel/text_reader.h"
#include "core/dicom_file.h"
#include "gateway/gate/original_identifiers.h"
#include "gateway/gate/residual_phi_gate.h"

namespace rwd::gateway::gate {

// Reads up to `max_frames` frames (first, middle, last) of `released`, each
// whole and in bands of `band_rows` rows with half-band overlap (0: whole
// frames only), and adds a hit (path "(7FE0,0010) frame N") for every term or UID the text
// contains, stopping at the first hit (one quarantines). Pixels that cannot
// be decoded set `out.status` (fail closed).
void RecheckPixels(const DicomFile& released, const std::vector<const Identifier*>& terms,
                   const std::vector<const Identifier*>& uids, anon::pixel::TextReader& reader, int max_frames,
                   int band_rows, GateResult& out);

}  // namespace rwd::gateway::gate
