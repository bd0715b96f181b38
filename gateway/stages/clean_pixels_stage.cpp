#include "gateway/stages/clean_pixels_stage.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "anonymizer/pixel/pixel_cleaner.h"
#include "core/pixel_data.h"
#include "core/strings.h"

namespace rwd::gateway {
namespace {

nlohmann::json Detail(const anon::pixel::PixelFinding& f) {
  return {{"box", {f.x, f.y, f.width, f.height}},
          {"frames", f.frames},
          {"confidence", f.confidence},
          {"action", f.redacted ? "redacted" : "kept"},
          {"reason", f.reason}};
}

// The original header's values identify kept (descriptions are gone from
// the de-identified one: known device regions and the screener's header
// questions are answered from these), and the original identifiers.
anon::pixel::CleanRequest Request(const ObjectContext& o) {
  anon::pixel::CleanRequest request;
  request.phi = &o.phi;
  request.original_header = [&o](Tag tag) -> std::optional<std::string> {
    auto it = o.original_values.find(tag.key());
    if (it == o.original_values.end()) return std::nullopt;
    return it->second;
  };
  return request;
}

}  // namespace

CleanPixelsStage::CleanPixelsStage(const rules::Profile& profile) : profile_(profile) {
  if (profile_.pixels.burned_in == rules::BurnedInMode::kQuarantineAtRisk) return;
  auto cleaner = anon::pixel::PixelCleaner::Create(profile_.pixels);
  if (cleaner.ok())
    cleaner_ = std::move(cleaner).value();
  else
    unavailable_ = cleaner.status();
}

CleanPixelsStage::~CleanPixelsStage() = default;

StageResult CleanPixelsStage::Run(ObjectContext& o) {
  if (profile_.pixels.burned_in == rules::BurnedInMode::kQuarantineAtRisk) {
    if (o.burned_in.at_risk)
      return StageResult::Quarantine(ErrorCode::kUnsafe, "at risk of burned-in text (" + o.burned_in.reason +
                                                             "); pixels not cleaned, so not released");
    return Screen(o);
  }
  if (!PixelData::Present(*o.dicom)) {
    if (!o.burned_in.at_risk) return StageResult::Continue();
    return StageResult::Quarantine(ErrorCode::kUnsafe, "at risk of burned-in text (" + o.burned_in.reason +
                                                           ") but no Pixel Data to clean (e.g. an encapsulated "
                                                           "document): not released");
  }
  if (!cleaner_)
    return StageResult::Quarantine(unavailable_.code(), "pixel cleaner unavailable: " + unavailable_.message());

  auto report = cleaner_->Clean(*o.dicom, Request(o));
  if (!report.ok())
    return StageResult::Quarantine(report.status().code(), "pixels not cleaned: " + report.status().message());

  for (const anon::pixel::PixelFinding& f : report->findings) o.findings.push_back({name(), f.kind, Detail(f).dump()});
  o.pixel_regions_redacted = report->regions_redacted;
  o.pixels_changed = report->pixels_changed;
  if (report->regions_found > 0 || report->pixels_changed || o.burned_in.at_risk) {
    const nlohmann::json summary = {{"frames", report->frames},
                                    {"regions_found", report->regions_found},
                                    {"regions_redacted", report->regions_redacted},
                                    {"pixels_changed", report->pixels_changed},
                                    {"header_at_risk", o.burned_in.at_risk}};
    o.findings.push_back({name(), "pixels_cleaned", summary.dump()});
  }
  Status marked = anon::pixel::PixelCleaner::MarkCleaned(*o.dicom);
  if (!marked.ok())
    return StageResult::Quarantine(marked.code(), "cannot mark the pixels cleaned: " + marked.message());
  return StageResult::Continue();
}

// pixels.screen (issue 8.3): a profile that does not clean pixels still
// looks. The pixels are decoded from the bytes identify deferred (no
// second parse of the original); the screener's header questions (modality,
// BurnedInAnnotation) are answered from identify's snapshot of the original.
StageResult CleanPixelsStage::Screen(ObjectContext& o) {
  if (!profile_.pixels.screen) return StageResult::Continue();
  if (!PixelData::Present(*o.dicom)) return StageResult::Continue();
  auto report = screener_.Screen(*o.dicom, Request(o).original_header);
  if (!report.ok())
    return StageResult::Quarantine(report.status().code(),
                                   "pixels cannot be screened for burned-in text: " + report.status().message());
  if (report->text_found() || report->undecided_lines > 0) {
    const nlohmann::json detail = {{"frames_searched", report->frames},
                                   {"first_frame_with_text", report->first_frame_with_text},
                                   {"text_lines", report->text_lines},
                                   {"undecided_lines", report->undecided_lines}};
    o.findings.push_back({name(), "pixels_screened", detail.dump()});
  }
  if (report->text_found())
    return StageResult::Quarantine(ErrorCode::kUnsafe, "burned-in text detected; pixels not cleaned");
  // MR is decided in full: bright, textured tissue hides bold and faint
  // text from the fast detector altogether (a name over white matter a few
  // grey levels above it). CT slices, the bulk of an export, only when the
  // fast detector saw strokes it could not decide.
  auto modality = o.original_values.find(Tag{0x0008, 0x0060}.key());
  const bool mr = modality != o.original_values.end() && TrimValue(modality->second) == "MR";
  if (report->undecided_lines > 0 || mr) return Decide(o);
  return StageResult::Continue();
}

// Strokes over anatomy the fast detector cannot decide (a serif name on an
// MR slice, bold text over bright tissue), and every MR image: decided as research.yaml's
// redact-phi cleaner would, on a copy. If it would fill a box, the image
// carries text that is not cleaned here: quarantined. Text-free images are
// left alone by that cleaner (issue 8.2), so they stay released.
StageResult CleanPixelsStage::Decide(ObjectContext& o) {
  if (!decider_) {
    // The cleaner keeps a reference to its config: the stage owns it.
    decider_config_ = profile_.pixels;
    decider_config_.burned_in = rules::BurnedInMode::kRedactPhi;
    auto cleaner = anon::pixel::PixelCleaner::Create(decider_config_);
    if (!cleaner.ok())
      return StageResult::Quarantine(cleaner.status().code(), "undecided strokes in the pixels cannot be read: " +
                                                                  cleaner.status().message());
    decider_ = std::move(cleaner).value();
  }
  auto bytes = o.dicom->Serialize();
  if (!bytes.ok()) return StageResult::Quarantine(bytes.status().code(), "pixels cannot be screened for burned-in text");
  auto copy = DicomFile::Parse(*bytes);
  if (!copy.ok()) return StageResult::Quarantine(copy.status().code(), "pixels cannot be screened for burned-in text");
  auto report = decider_->Clean(*copy, Request(o));
  if (!report.ok())
    return StageResult::Quarantine(report.status().code(),
                                   "pixels cannot be screened for burned-in text: " + report.status().message());
  if (report->regions_redacted > 0)
    return StageResult::Quarantine(ErrorCode::kUnsafe, "burned-in text detected; pixels not cleaned");
  return StageResult::Continue();
}

}  // namespace rwd::gateway
