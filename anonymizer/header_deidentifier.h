#pragma once
// Applies a profile to a DICOM header: every element of the dataset and of
// every nested sequence item is kept, removed, emptied, replaced, cleaned,
// shifted or remapped as the RuleResolver decides; private blocks go unless
// kept; PS3.15 "de-identified" markers are added. One per worker.
#include <string>
#include <vector>

#include "anonymizer/keyed_ids.h"
#include "core/dicom_file.h"
#include "core/status.h"
#include "rules/profile.h"
#include "rules/rule_resolver.h"

namespace rwd::anon {

struct HeaderResult {
  // HMACs of the original identifiers (for provenance; never clear text).
  std::string hmac_patient_id, hmac_study_uid, hmac_series_uid, hmac_sop_uid;
  // Identifiers after de-identification.
  std::string pseudonym, new_study_uid, new_series_uid, new_sop_uid;
  int removed = 0, emptied = 0, replaced = 0, remapped = 0, cleaned = 0, shifted = 0;
  int private_removed = 0;
  int date_shift_days = 0;
  // UIDs that were not valid (PS3.5 9.1) and were remapped, and the tags
  // they were found in (each once), for a finding. Never the values.
  int invalid_uids = 0;
  std::vector<std::string> invalid_uid_tags;
};

class HeaderDeidentifier {
 public:
  // Both references must outlive this object.
  HeaderDeidentifier(const rules::Profile& profile, const KeyedIds& ids);

  // Fails (and the object must be quarantined) when a value cannot be set,
  // nesting is absurdly deep, or an original patient identifier survives
  // somewhere the profile did not ask to keep it.
  Result<HeaderResult> Apply(DicomFile& file);

  // The text written to DeidentificationMethod (0012,0063).
  std::string MethodDescription() const;

 private:
  struct Context;
  // `clean_scope`: inside a sequence the profile cleans (C), text the table
  // does not list is cleaned too instead of kept.
  Status DeidentifyItem(DicomItem item, int depth, Context& ctx, bool clean_scope = false);
  Status ApplyValueAction(ElementRef& e, const rules::Action& a, int depth, Context& ctx, bool& remove);
  Status KeepUid(ElementRef& e, Context& ctx);
  void NoteInvalidUid(ElementRef& e, Context& ctx);
  Status AddMarkers(DicomItem ds);
  Status CheckResidue(ElementRef& e, const Context& ctx);

  const rules::Profile& profile_;
  const KeyedIds& ids_;
  rules::RuleResolver resolver_;
  bool needs_cleaner_;
};

}  // namespace rwd::anon
