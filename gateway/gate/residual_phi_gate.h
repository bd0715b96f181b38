#pragma once
// The residual-PHI gate: the last check before release, written apart from
// the de-identifier (it shares nothing with anonymizer/ but the DICOM facade
// and, for burned-in text, the Tesseract reader). It does not trust what the
// de-identifier did: it parses the bytes about to be released and looks for
// the original's identifying values in every element at any depth.
//
// Use (one gate per worker; the reader is not thread-safe):
//   OriginalIdentifiers ids = CollectIdentifiers(original);  // before de-identification
//   GateOptions opt = GateOptionsFor(profile);               // once per run
//   opt.ocr_pixels = <pixels were cleaned or screened>; opt.reader = worker's reader;
//   GateResult r = Scan(ids, released_bytes, opt);
//   if (!r.passed()) quarantine(kUnsafe, r.Reason()) with r.Findings();
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "anonymizer/pixel/text_reader.h"
#include "core/dicom_file.h"
#include "core/status.h"
#include "gateway/gate/original_identifiers.h"
#include "rules/profile.h"

namespace rwd::gateway::gate {

struct GateOptions {
  // PS3.15 E.3 options that keep identifying values on purpose; these alone
  // exempt values from the gate (the attributes whose Table E.1-1 option
  // column is K). Overrides never do. Default: nothing exempt.
  bool retain_uids = false;                  // original UIDs are expected
  bool retain_device_identity = false;       // station name, serial number, device UID
  bool retain_institution_identity = false;  // institution name, address, department
  // Terms every object is checked for besides its own (the profile's
  // gate.extra_terms_file, e.g. local staff names): only stricter.
  OriginalIdentifiers profile_terms;
  // OCR the released pixels again (for images whose pixels were cleaned or
  // screened for burned-in text): default off. REQUIRES: `reader` then.
  bool ocr_pixels = false;
  anon::pixel::TextReader* reader = nullptr;  // not owned; one per worker
  int max_ocr_frames = 3;                     // first, middle and last frame of a cine
  int ocr_band_rows = 48;                     // frames are also read in bands this tall (0: whole only)
};

// The options a profile implies: its retain options and its gate terms.
GateOptions GateOptionsFor(const rules::Profile& profile);

// Where an identifier was found. Never holds the value.
struct GateHit {
  std::string path;     // e.g. "(0008,1140)[0]/(0010,0010)", "(7FE0,0010) frame 0"
  IdentifierKind kind;  // what the value is
  Tag original;         // where the value was in the original ({0,0}: a profile term)
  std::string ToString() const;  // "patient name (from (0010,0010)) at (0009,1001)"
  // For a provenance finding (stage "gate", kind "residual_phi"):
  // {"path":"(0009,1001)","value_kind":"patient name","from":"(0010,0010)"}.
  std::string DetailJson() const;
};

struct GateResult {
  Status status;  // not ok: the released bytes could not be checked (fail closed)
  std::vector<GateHit> hits;
  int elements_scanned = 0;
  int frames_read = 0;  // frames OCRed

  bool passed() const { return status.ok() && hits.empty(); }
  // One line for the object's reason: the count and the first hits.
  std::string Reason() const;
};

// Parses `released_bytes` (a Part 10 file) and reports every original
// identifier (`ids`, plus options.profile_terms) found in it: in every text
// value (case-insensitive, in the object's Specific Character Set decoded to
// UTF-8 and as raw bytes), in OB/UN values as raw bytes (private blocks
// included), original UIDs in any value unless retain_uids, and with
// options.ocr_pixels in the text OCR reads in the pixels. Without OCR the
// caller may pass the released file without its Pixel Data element when
// those bytes are the original's, untouched (bulk data is not scanned).
// Thread-safe when each thread has its own reader.
GateResult Scan(const OriginalIdentifiers& ids, std::span<const uint8_t> released_bytes, const GateOptions& options);

}  // namespace rwd::gateway::gate
