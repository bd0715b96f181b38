#pragma once
// The residual-PHI gate (gateway/gate/): the last object stage. It rescans
// the bytes that will be released against the identifying values of the
// original header, with code that shares nothing with the de-identifier but
// the DICOM facade; any hit holds the object back, with a finding naming
// the tag path and the kind of value (never the value). The header is final
// here: the series stages change pixels only (defacing), so scanning now is
// scanning what is released, and no identifier is kept past the object.
#include <memory>

#include "anonymizer/pixel/text_reader.h"
#include "gateway/gate/residual_phi_gate.h"
#include "gateway/stage.h"
#include "rules/profile.h"

namespace rwd::gateway {

class GateStage : public Stage {
 public:
  explicit GateStage(const rules::Profile& profile);
  ~GateStage() override;
  const char* name() const override { return "gate"; }
  StageResult Run(ObjectContext& object) override;

 private:
  gate::GateOptions options_;
  std::unique_ptr<anon::pixel::TextReader> reader_;  // when pixels are cleaned: OCR of cleaned images
  std::vector<uint8_t> buffer_;                       // the released bytes, contiguous
};

}  // namespace rwd::gateway
