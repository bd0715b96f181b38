#pragma once
// The QC cohort group of an object: site + scanner model + protocol, the
// grouping MRIQC recommends for judging image metrics (Esteban et al. 2017,
// PLoS ONE 12:e0184661). Taken from the original header (the de-identified
// one may have lost these values) and kept only as a keyed HMAC, so the
// database never holds an institution or protocol name.
#include <string>

#include "anonymizer/keyed_ids.h"
#include "core/dicom_file.h"

namespace rwd::gateway {

// HMAC (64 hex digits, domain "qc group") of Modality, InstitutionName,
// Manufacturer, ManufacturerModelName, ProtocolName (else SeriesDescription)
// and BodyPartExamined, each trimmed, upper-cased, spaces collapsed. "" when
// the header names neither site, scanner model nor protocol: such objects
// have no cohort and are graded on absolute thresholds.
std::string QcGroupOf(const DicomItem& original, const anon::KeyedIds& ids);

}  // namespace rwd::gateway
