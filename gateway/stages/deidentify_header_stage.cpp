#include "gateway/stages/deidentify_header_stage.h"

#include <nlohmann/json.hpp>

#include "gateway/qc_group.h"

namespace rwd::gateway {

StageResult DeidentifyHeaderStage::Run(ObjectContext& o) {
  o.qc_group = QcGroupOf(o.dicom->dataset(), ids_);  // from the original header, before it changes
  auto r = deid_.Apply(*o.dicom);
  if (!r.ok()) return StageResult::Quarantine(r.status().code(), r.status().message());
  o.header = std::move(r).value();
  const anon::HeaderResult& h = o.header;
  nlohmann::json detail = {{"removed", h.removed},   {"emptied", h.emptied}, {"replaced", h.replaced},
                           {"remapped_uids", h.remapped}, {"cleaned", h.cleaned}, {"shifted", h.shifted},
                           {"private_removed", h.private_removed}};
  o.findings.push_back({name(), "header_actions", detail.dump()});
  if (h.invalid_uids > 0)  // remapped even under Retain UIDs; tags only, never values
    o.findings.push_back({name(), "invalid_uid_remapped", nlohmann::json{{"count", h.invalid_uids}, {"tags", h.invalid_uid_tags}}.dump()});
  return StageResult::Continue();
}

}  // namespace rwd::gateway
