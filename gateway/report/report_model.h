#pragma once
// What the cohort report shows, gathered once (report_gatherer.h) and then
// rendered (html_report.h) and written for machines (manifest_writer.h).
// Per object nothing is held (objects are streamed from the database); per
// series a few hundred bytes; images are made one at a time while the page
// is written, so the report's memory does not grow with the cohort's images.
// Holds only what may be shown: new UIDs, pseudonyms, codes, counts,
// released pixels. Source paths are filled only for an internal report.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/report/acquisition_facts.h"

namespace rwd::gateway::report {

struct CheckView {
  std::string name, verdict;  // verdict: pass | warn | fail | na
  std::optional<double> value, threshold;
};

struct SeriesView {
  int64_t id = 0;
  std::string patient, study_uid, series_uid, modality, state, reason_code, reason;
  int64_t objects = 0, released = 0;
  std::string geometry_json;            // series.geometry, as recorded
  std::vector<CheckView> checks;        // series_checks of this series
  std::string verdict;                  // worst check verdict: fail > warn > pass; "" when no check
  std::vector<double> slice_gaps_mm;    // spacing between consecutive released slices along the normal
  std::optional<AcquisitionFacts> acquisition;  // from the released middle slice
  std::string thumbnail_source;         // the released middle slice (made into a thumbnail while the page is written)
  std::string thumbnail_jpeg_base64;    // of the released middle slice, when already made; "" otherwise
  std::string thumbnail_error;          // why there is none (an error code name), "" otherwise
  bool defaced = false;
};

struct RedactedImageView {
  std::string series_uid, sop_uid;
  int boxes_redacted = 0, boxes_kept = 0;
  std::string source;                           // the released image (its thumbnail is made while the page is written)
  std::vector<std::array<int, 4>> boxes;        // the redacted boxes, x y w h, outlined on it
  std::string thumbnail_jpeg_base64;  // the released image with the redacted boxes outlined, when already made
};

struct DefaceView {
  std::string series_uid, kind;
  std::string render_path;                      // the after-render PNG (inlined while the page is written)
  std::string render_png_base64;                // the after-render, when already read; "" otherwise
  std::vector<std::pair<std::string, std::string>> figures;  // the gate's numbers, from the finding detail
};

struct NotReleasedView {
  std::string state, reason_code, stage, reason;
  std::string source_path;  // only in an internal report
};

struct ReportModel {
  // header
  int64_t run_id = 0;
  std::string status, started_at, ended_at, tool_version, profile_name, profile_sha256;
  std::string input_dir, output_dir;  // only in an internal report
  std::vector<std::pair<std::string, std::string>> options;    // profile options in force
  std::vector<std::pair<std::string, std::string>> overrides;  // origin -> "selector -> action"
  std::string profile_note;  // why options are not shown (profile file changed or gone), "" otherwise
  std::string key_fingerprint;  // first 16 hex digits of SHA-256 of the key, "" when unknown
  bool internal = false;
  // accounting
  int64_t released = 0, quarantined = 0, rejected = 0, staged = 0;
  std::map<std::pair<std::string, std::string>, int64_t> reasons;  // (state, reason code) -> objects
  std::vector<NotReleasedView> not_released;
  // composition (released objects)
  int64_t patients = 0, studies = 0;
  std::map<std::string, int64_t> series_by_modality, instances_by_modality;
  int64_t protocols = 0;
  // per series, by id
  int thumbnail_side = 160;  // px: 160 up to 500 series, else 96 (size budget)
  std::vector<SeriesView> series;
  std::vector<RedactedImageView> redacted;
  std::vector<DefaceView> defaced;
  // de-identification: header actions summed over released objects; findings by (stage, kind)
  std::map<std::string, int64_t> header_actions;
  std::map<std::pair<std::string, std::string>, int64_t> findings;
};

}  // namespace rwd::gateway::report
