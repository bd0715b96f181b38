#include "gateway/stages/gate_stage.h"

#include <unistd.h>

#include "anonymizer/pixel/tesseract_text_reader.h"

namespace rwd::gateway {

GateStage::GateStage(const rules::Profile& profile) : options_(gate::GateOptionsFor(profile)) {
  if (profile.pixels.burned_in != rules::BurnedInMode::kQuarantineAtRisk) {
    auto reader = anon::pixel::TesseractTextReader::Create();
    if (reader.ok()) reader_ = std::move(reader).value();
  }
  options_.reader = reader_.get();
}

GateStage::~GateStage() = default;

StageResult GateStage::Run(ObjectContext& o) {
  if (!o.original_ids) return StageResult::Quarantine(ErrorCode::kInternal, "no original identifiers for the residual-PHI gate");
  gate::GateOptions opt = options_;
  // Pixels are read again only where the pixel stage changed them or the
  // header said burned-in risk (OCR of a frame costs about a second).
  opt.ocr_pixels = reader_ && (o.pixel_regions_redacted > 0 || o.burned_in.at_risk);
  std::span<const uint8_t> released(o.out.head);
  if (!o.out.tail.empty() && opt.ocr_pixels) {
    buffer_.assign(o.out.head.begin(), o.out.head.end());
    buffer_.insert(buffer_.end(), o.out.tail.begin(), o.out.tail.end());
    released = buffer_;
  }
  // Otherwise the head alone: a whole Part 10 file but for the Pixel Data,
  // whose bytes are the original's, untouched (the gate skips bulk data).
  const gate::GateResult r = gate::Scan(*o.original_ids, released, opt);
  o.original_ids.reset();  // identifiers live no longer than needed
  if (r.passed()) return StageResult::Continue();
  for (const gate::GateHit& hit : r.hits) o.findings.push_back({name(), "residual_phi", hit.DetailJson()});
  ::unlink(o.staging_path.c_str());  // never released
  o.gate_hit = true;
  if (!r.status.ok())
    return StageResult::Quarantine(ErrorCode::kUnsafe, "the residual-PHI gate could not check the object: " + r.status.message());
  return StageResult::Quarantine(ErrorCode::kUnsafe, "residual-PHI gate: " + r.Reason());
}

}  // namespace rwd::gateway
