#pragma once
// The cohort report as one self-contained HTML page: inline CSS, inline
// SVG charts, thumbnails as data: URIs, no script, no external resource,
// so it opens from disk with no network, with JavaScript off, and prints.
// Section ids (stable, tests and links use them): run, accounting,
// composition, acquisition, series, pixels, defacing, deidentification,
// then not-released (the list the accounting links to; only when not empty).
#include <functional>
#include <string>
#include <string_view>

#include "gateway/report/report_model.h"

namespace rwd::gateway::report {

// The page's images, made while it is written, one at a time (base64; ""
// when there is none, with `error` saying why for a series thumbnail).
class ReportImages {
 public:
  virtual ~ReportImages() = default;
  virtual std::string SeriesThumbnail(const SeriesView& series, std::string* error) const = 0;  // JPEG
  virtual std::string RedactedThumbnail(const RedactedImageView& image) const = 0;              // JPEG
  virtual std::string DefaceRender(const DefaceView& deface) const = 0;                         // PNG
};

// Writes the page in pieces through `write`. `images` may be nullptr: then
// only the images already in the model are shown.
void RenderHtmlReport(const ReportModel& model, const ReportImages* images,
                      const std::function<void(std::string_view)>& write);

// The whole page as one string.
std::string RenderHtmlReport(const ReportModel& model, const ReportImages* images = nullptr);

}  // namespace rwd::gateway::report
