#pragma once
// The cohort report as one self-contained HTML page: inline CSS, inline
// SVG charts, thumbnails as data: URIs, no script, no external resource,
// so it opens from disk with no network, with JavaScript off, and prints.
// Section ids (stable, tests and links use them): run, accounting,
// composition, acquisition, series, pixels, defacing, deidentification,
// then not-released (the list the accounting links to; only when not empty).
#include <string>

#include "gateway/report/report_model.h"

namespace rwd::gateway::report {

std::string RenderHtmlReport(const ReportModel& model);

}  // namespace rwd::gateway::report
