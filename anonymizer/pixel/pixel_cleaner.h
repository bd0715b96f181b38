#pragma once
// Burned-in text, end to end for one object: decode every frame, find text
// (TextDetector), read it when the policy needs to (TextReader; a cine
// loop's unchanged annotation is read once), decide (RedactionPolicy, known
// device regions), fill the boxes with a margin in every frame, and write
// the pixels back losslessly (core/pixel_data.h). Pixels outside the boxes
// are unchanged; an image with nothing to fill is not rewritten at all.
//
// One per worker (it owns a Tesseract engine): not thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "anonymizer/phi_terms.h"
#include "anonymizer/pixel/known_regions.h"
#include "core/dicom_file.h"
#include "core/status.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {

class TextDetector;
class TextReader;

// One region looked at. Never holds the text that was read.
struct PixelFinding {
  std::string kind;                         // "text_region", "known_region", "overlay_in_pixel_data"
  int x = 0, y = 0, width = 0, height = 0;  // the box filled or kept (margin included when filled)
  int frames = 0;                           // frames the region was found in (known regions: all)
  int confidence = 0;                       // 0..100: OCR confidence when read, else the detector's score
  bool redacted = false;
  std::string reason;  // "phi: name", "unreadable", "text", "no phi", "known region: <label>" ...
};

struct CleanReport {
  bool has_pixels = false;      // Pixel Data present: examined and (if needed) cleaned
  bool pixels_changed = false;  // filled boxes or cleared overlay bits were written back
  int frames = 0;
  int regions_found = 0, regions_redacted = 0;
  std::vector<PixelFinding> findings;
};

struct CleanRequest {
  const PhiTerms* phi = nullptr;  // the object's original identifiers (none: patterns only)
  HeaderValue original_header;    // for known device regions; may be empty
};

class PixelCleaner {
 public:
  // The shipped detector and a Tesseract reader (not for
  // quarantine-at-risk, which never cleans). Fails (kInternal) when
  // Tesseract's language data cannot be loaded. `config` must outlive the
  // cleaner.
  static Result<std::unique_ptr<PixelCleaner>> Create(const rules::PixelsConfig& config);
  // Whether Create would succeed (the OCR language data loads): for a
  // start-up check before any object is read. OK for quarantine-at-risk.
  static Status CheckAvailable(const rules::PixelsConfig& config);
  // Any detector and reader (`reader` may be null only if no region ever
  // needs reading: then Clean fails when one does).
  PixelCleaner(const rules::PixelsConfig& config, std::unique_ptr<TextDetector> detector,
               std::unique_ptr<TextReader> reader);
  ~PixelCleaner();

  // Examines and cleans the pixels of `file` in place. Objects without Pixel
  // Data come back with has_pixels false and are not touched. Errors: the
  // pixels cannot be decoded (kUnsupportedTransferSyntax, kInvalidArgument)
  // or written back; the caller must then not release the object.
  Result<CleanReport> Clean(DicomFile& file, const CleanRequest& request);

  // PS3.15 E.3.1 Clean Pixel Data Option done: BurnedInAnnotation (0028,0301)
  // NO, and code 113101 appended to DeidentificationMethodCodeSequence
  // (0012,0064) unless already there.
  static Status MarkCleaned(DicomFile& file);

 private:
  Result<CleanReport> CleanFrames(DicomFile& file, const CleanRequest& request);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rwd::anon::pixel
