#pragma once
#include <memory>

#include "anonymizer/pixel/pixel_screener.h"
#include "gateway/stage.h"
#include "rules/profile.h"

namespace rwd::anon::pixel {
class PixelCleaner;
}

namespace rwd::gateway {

// Burned-in text in the pixels (profile pixels.burned_in):
//   quarantine-at-risk  images the header triage flags (anon::AssessBurnedInRisk)
//                       are quarantined unexamined; with pixels.screen on
//                       (the default) every other image's frames are searched
//                       by the fast detector (anon::pixel::PixelScreener) and
//                       an image with text is quarantined ("burned-in text
//                       detected; pixels not cleaned"); strokes over anatomy
//                       it cannot decide are decided by the redact-phi
//                       cleaner on a copy (quarantined if it would fill a box);
//   redact-all-text,    every image's frames are searched for text and
//   redact-phi          cleaned (anon::pixel::PixelCleaner); the image is
//                       then marked BurnedInAnnotation NO with the Clean Pixel
//                       Data Option code (PS3.15 E.3.1, CID 7050 113101).
// Pixels that cannot be decoded, or an at-risk object without pixels to
// clean (an encapsulated document), are quarantined with the reason.
// One per worker: owns the worker's OCR engine.
class CleanPixelsStage : public Stage {
 public:
  explicit CleanPixelsStage(const rules::Profile& profile);
  ~CleanPixelsStage() override;
  const char* name() const override { return "pixels"; }
  StageResult Run(ObjectContext& object) override;

 private:
  StageResult Screen(ObjectContext& object);
  StageResult Decide(ObjectContext& object);
  const rules::Profile& profile_;
  std::unique_ptr<anon::pixel::PixelCleaner> cleaner_;
  rules::PixelsConfig decider_config_;  // the decider's: profile_.pixels as redact-phi
  std::unique_ptr<anon::pixel::PixelCleaner> decider_;  // screening: reads what the fast detector cannot decide
  anon::pixel::PixelScreener screener_;
  Status unavailable_;  // why there is no cleaner (e.g. OCR data missing)
};

}  // namespace rwd::gateway
