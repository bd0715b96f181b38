#include "anonymizer/pixel/pixel_cleaner.h"

#include <algorithm>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "anonymizer/pixel/anatomy_context.h"
#include "anonymizer/pixel/frame_image.h"
#include "anonymizer/pixel/ink_extent.h"
#include "anonymizer/pixel/ink_lines.h"
#include "anonymizer/pixel/morphology_text_detector.h"
#include "anonymizer/pixel/opencv_threads.h"
#include "anonymizer/pixel/phi_text_matcher.h"
#include "anonymizer/pixel/redaction_policy.h"
#include "anonymizer/pixel/tesseract_text_reader.h"
#include "core/pixel_data.h"
#include "core/strings.h"
#include "rules/standard_tables.h"

namespace rwd::anon::pixel {
namespace {

constexpr Tag kBurnedInAnnotation{0x0028, 0x0301};
constexpr Tag kMethodCodeSequence{0x0012, 0x0064};
constexpr Tag kCodeValue{0x0008, 0x0100};
constexpr const char* kCleanPixelDataCode = "113101";

// Identifies a region's pixels, so a cine loop's unchanged annotation is read
// once, not once per frame.
std::string ReadingKey(const cv::Mat& grey, const cv::Rect& box) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* row = grey.ptr<uint8_t>(y) + box.x;
    for (int x = 0; x < box.width; ++x) h = (h ^ row[x]) * 1099511628211ull;
  }
  return std::to_string(box.x) + "," + std::to_string(box.y) + "," + std::to_string(box.width) + "," +
         std::to_string(box.height) + ":" + std::to_string(h);
}

PixelFinding Finding(const char* kind, const cv::Rect& r, int confidence, bool redacted, std::string reason) {
  PixelFinding f;
  f.kind = kind;
  f.x = r.x, f.y = r.y, f.width = r.width, f.height = r.height;
  f.frames = 1;
  f.confidence = std::clamp(confidence, 0, 100);
  f.redacted = redacted;
  f.reason = std::move(reason);
  return f;
}

// One text region of one frame while its frame is decided.
struct Pending {
  TextCandidate candidate;
  const TextReading* reading = nullptr;
  RegionDecision decision;
};

// Lines kept next to a redacted identifier, or next to text that could not
// be read (it may be one), join its label block (issue 8.1), transitively.
void ExtendLabelBlocks(const RedactionPolicy& policy, std::vector<Pending>& lines) {
  auto identifies = [](const RegionDecision& d) {
    return d.redact && (d.reason.rfind("phi", 0) == 0 || d.reason == "label block" || d.reason == "unreadable");
  };
  for (bool grew = true; grew;) {
    grew = false;
    for (Pending& p : lines) {
      if (p.decision.redact || !policy.JoinsLabelBlock(p.candidate, p.reading)) continue;
      for (const Pending& q : lines)
        if (&q != &p && identifies(q.decision) && RedactionPolicy::Neighbours(p.candidate.box, q.candidate.box)) {
          p.decision = {true, "label block"};
          grew = true;
          break;
        }
    }
  }
}

// Reads (when the policy needs it) and decides every line found in one
// frame; readings are shared across frames (a cine's unchanged annotation is
// read once). `grey` is made from `display` when first needed.
Result<std::vector<Pending>> DecideLines(const std::vector<TextCandidate>& candidates, const cv::Mat& display,
                                         cv::Mat& grey, bool anatomy, const RedactionPolicy& policy, TextReader* reader,
                                         int min_confidence, const PhiTextMatcher& matcher,
                                         std::map<std::string, TextReading>& readings) {
  int background = -1;
  std::vector<Pending> lines;
  const cv::Rect image(0, 0, display.cols, display.rows);
  for (TextCandidate c : candidates) {
    // A detector may grow a box past the border (ink extent, padding): every
    // read, hash, test and fill below stays inside the image.
    c.box &= image;
    if (c.box.empty()) continue;
    Pending p{c, nullptr, {}};
    if (policy.NeedsReading(c)) {
      if (!reader) return Status::Error(ErrorCode::kInternal, "no text reader to read a text region");
      if (grey.empty()) grey = GreyImage(display);
      const std::string key = ReadingKey(grey, c.box);
      auto it = readings.find(key);
      if (it == readings.end()) {
        auto read = reader->Read(grey, c.box, c.polarity);
        if (!read.ok()) return read.status();
        it = readings.emplace(key, std::move(read).value()).first;
      }
      p.reading = &it->second;
    }
    RegionContext where;
    if (anatomy && p.reading &&
        (p.reading->empty() || p.reading->confidence < static_cast<float>(min_confidence))) {
      if (background < 0) background = BackgroundLevel(grey);
      where.over_anatomy = OverAnatomy(grey, c.box, background);
      where.own_ink = where.over_anatomy && (OwnInk(grey, c.box, c.polarity) || OwnInk(grey, c.box, c.polarity, c.ink));
    }
    if (p.reading && (p.reading->empty() || p.reading->confidence < static_cast<float>(min_confidence))) {
      const BaselineCount n = BaselineGlyphs(grey, c.box, c.ink >= 0 ? c.ink : InkLevel(grey, c.box, c.polarity));
      // Found by its glyphs of one ink (ink_lines.h): as many stand on its line.
      where.baseline_glyphs = std::max(n.glyphs, c.ink_glyphs), where.baseline_letters = n.letters;
    }
    p.decision = policy.Decide(c, p.reading, matcher, where);
    if (policy.WantsSecondReading(p.decision, p.reading)) {
      // The line's own intensity isolated, white on black, read again.
      const int ink = c.ink >= 0 ? c.ink : InkLevel(grey, c.box, c.polarity);
      cv::Mat isolated;
      auto read_isolated = [&](const cv::Rect& box) -> Result<const TextReading*> {
        const std::string key = ReadingKey(grey, box) + ":ink" + std::to_string(ink);
        auto it = readings.find(key);
        if (it == readings.end()) {
          if (isolated.empty())
            cv::inRange(grey, cv::Scalar(std::max(0, ink - 2)), cv::Scalar(std::min(255, ink + 2)), isolated);
          auto read = reader->Read(isolated, box, Polarity::kLight);
          if (!read.ok()) return read.status();
          it = readings.emplace(key, std::move(read).value()).first;
        }
        return &it->second;
      };
      auto second = read_isolated(c.box);
      if (!second.ok()) return second.status();
      p.decision = policy.Reconsider(p.decision, **second, matcher);
      // A region of several lines read as one reads as nothing: each line
      // on its own, as it is and by its ink.
      for (const cv::Rect& band : p.decision.redact ? std::vector<cv::Rect>{} : InkBands(grey, c.box, ink)) {
        auto read = reader->Read(grey, band, c.polarity);
        if (!read.ok()) return read.status();
        p.decision = policy.Reconsider(p.decision, *read, matcher);
        auto by_ink = read_isolated(band);
        if (!by_ink.ok()) return by_ink.status();
        if (!p.decision.redact) p.decision = policy.Reconsider(p.decision, **by_ink, matcher);
        if (p.decision.redact) break;
      }
    }
    lines.push_back(std::move(p));
  }
  return lines;
}

// The detector's lines, and the lines found by their ink alone that it did
// not see (ink_lines.h), as unsure candidates: reading decides them.
std::vector<TextCandidate> WithInkLines(std::vector<TextCandidate> found, const cv::Mat& display, cv::Mat& grey) {
  if (grey.empty()) grey = GreyImage(display);
  const size_t detected = found.size();
  for (const InkLine& line : FindInkLines(grey)) {
    // Already found: a detected region holds most of it, is about as tall
    // and has its ink (a region that only touches it, holds it among other
    // rows or is the strokes of something else is read as something else).
    if (std::any_of(found.begin(), found.begin() + detected, [&](const TextCandidate& c) {
          return (c.box & line.box).area() * 2 >= line.box.area() && c.box.height * 2 <= line.box.height * 3 &&
                 (c.ink < 0 || std::abs(c.ink - line.ink) <= 2);
        }))
      continue;
    TextCandidate c;
    c.box = line.box;
    c.score = kSureText / 2;
    c.polarity = Polarity::kLight;
    c.ink = line.ink;
    c.ink_glyphs = line.glyphs;
    found.push_back(c);
  }
  return found;
}

// A line's box is tight around the strokes the detector saw: faint
// anti-aliased edges and a last glyph it missed lie just outside, so a
// filled line gets its height more on each side. Glyphs cut by the
// image's edge are not seen as glyphs: a line that comes within a line
// height of an edge is filled to it.
cv::Rect LineFill(const cv::Rect& line, int height, int margin, const cv::Rect& whole) {
  const int mx = std::max(margin, height), my = std::max(margin, height / 8);
  cv::Rect box = cv::Rect(line.x - mx, line.y - my, line.width + 2 * mx, line.height + 2 * my) & whole;
  if (box.x <= height) box.width += box.x, box.x = 0;
  if (whole.width - (box.x + box.width) <= height) box.width = whole.width - box.x;
  return box;
}

// Lines of a redacted line's label block that the detector did not see, by
// its ink (ink_extent.h), transitively, six at most; rows over a technical
// line the policy kept stay that line's.
std::vector<cv::Rect> MissedLabelLines(const cv::Mat& grey, const cv::Rect& line, int ink,
                                       const std::vector<cv::Rect>& technical) {
  std::vector<cv::Rect> found, queue = {line};
  while (!queue.empty() && found.size() < 6) {
    const cv::Rect from = queue.back();
    queue.pop_back();
    for (const cv::Rect& row : LabelLinesByInk(grey, from, ink)) {
      const cv::Rect grown = GrowByInk(grey, row, ink);
      // Already filled: mostly inside the line or a line found before.
      auto covers = [&](const cv::Rect& r) { return (r & grown).area() * 2 >= grown.area(); };
      if (covers(line) || std::any_of(found.begin(), found.end(), covers) ||
          std::any_of(technical.begin(), technical.end(), [&](const cv::Rect& k) { return (k & grown).area() > 0; }))
        continue;
      found.push_back(grown);
      queue.push_back(grown);
    }
  }
  return found;
}

}  // namespace

struct PixelCleaner::Impl {
  const rules::PixelsConfig& config;
  std::unique_ptr<TextDetector> detector;
  std::unique_ptr<TextReader> reader;
  RedactionPolicy policy;
  KnownRegions profile_regions;
};

Result<std::unique_ptr<PixelCleaner>> PixelCleaner::Create(const rules::PixelsConfig& config) {
  UseOneOpenCvThread();
  std::unique_ptr<TextReader> reader;
  if (config.burned_in != rules::BurnedInMode::kQuarantineAtRisk) {
    auto tesseract = TesseractTextReader::Create();
    if (!tesseract.ok()) return tesseract.status();
    reader = std::move(tesseract).value();
  }
  // Faint text (a few grey levels above the tissue) is searched for too:
  // the reader decides what those lines are.
  MorphologyTextOptions detection;
  detection.faint_contrast = 3;
  return std::make_unique<PixelCleaner>(config, std::make_unique<MorphologyTextDetector>(detection),
                                        std::move(reader));
}

Status PixelCleaner::CheckAvailable(const rules::PixelsConfig& config) {
  if (config.burned_in == rules::BurnedInMode::kQuarantineAtRisk) return Status::Ok();
  auto reader = TesseractTextReader::Create();
  return reader.ok() ? Status::Ok() : reader.status();
}

PixelCleaner::PixelCleaner(const rules::PixelsConfig& config, std::unique_ptr<TextDetector> detector,
                           std::unique_ptr<TextReader> reader)
    : impl_(new Impl{config, std::move(detector), std::move(reader), RedactionPolicy(config),
                     KnownRegions::FromProfile(config.regions)}) {}

PixelCleaner::~PixelCleaner() = default;

Result<CleanReport> PixelCleaner::Clean(DicomFile& file, const CleanRequest& request) {
  // OpenCV and Tesseract report some failures by exception: they stay here.
  try {
    return CleanFrames(file, request);
  } catch (const std::exception& e) {
    return Status::Error(ErrorCode::kInternal, std::string("pixel cleaning failed: ") + e.what());
  }
}

Result<CleanReport> PixelCleaner::CleanFrames(DicomFile& file, const CleanRequest& request) {
  CleanReport report;
  if (!PixelData::Present(file)) return report;
  report.has_pixels = true;
  auto decoded = PixelData::Decode(file);
  if (!decoded.ok()) return decoded.status();
  PixelData& pixels = decoded.value();
  report.frames = pixels.frames();
  const cv::Rect whole(0, 0, pixels.columns(), pixels.rows());
  const int margin = impl_->config.margin;

  std::vector<cv::Rect> fills;
  std::vector<PixelFinding>& findings = report.findings;

  // Known device regions: the profile's own first, else the library's.
  if (request.original_header) {
    std::vector<const KnownRegionRule*> rules = impl_->profile_regions.Match(request.original_header);
    if (rules.empty()) rules = KnownRegions::Library().Match(request.original_header);
    for (const KnownRegionRule* rule : rules) {
      for (const rules::PixelRegion& b : rule->boxes) {
        const cv::Rect box = cv::Rect(b.x - margin, b.y - margin, b.width + 2 * margin, b.height + 2 * margin) & whole;
        if (box.area() == 0) continue;
        fills.push_back(box);
        findings.push_back(Finding("known_region", box, 100, true, "known region: " + rule->label));
        findings.back().frames = pixels.frames();
      }
    }
  }

  // Text the detector finds in every frame. A region found in several
  // frames is one finding.
  const PhiTextMatcher matcher(request.phi ? *request.phi : PhiTerms{});
  std::map<std::string, TextReading> readings;
  std::map<std::tuple<int, int, int, int>, size_t> finding_of_box;
  size_t overlay_samples = 0;
  const bool anatomy = AnatomyMayLookLikeText(request.original_header);
  for (int f = 0; f < pixels.frames(); ++f) {
    // Overlay planes hidden in the unused high bits of the samples: the
    // detector only sees the stored bits, so clear them.
    if (CountBitsAboveHighBit(pixels, f) > 0) overlay_samples += ClearBitsAboveHighBit(pixels, f);
    const cv::Mat display = DisplayImage(pixels, f);
    cv::Mat grey;
    auto decided = DecideLines(WithInkLines(impl_->detector->Detect(display), display, grey), display, grey, anatomy,
                               impl_->policy, impl_->reader.get(), impl_->config.ocr_min_confidence, matcher,
                               readings);
    if (!decided.ok()) return decided.status();
    std::vector<Pending>& lines = decided.value();
    report.regions_found += static_cast<int>(lines.size());
    ExtendLabelBlocks(impl_->policy, lines);
    // A region found in several frames is one finding.
    auto record = [&](const cv::Rect& box, int confidence, bool redact, const std::string& reason) {
      const auto key = std::make_tuple(box.x, box.y, box.width, box.height);
      auto seen = finding_of_box.find(key);
      if (seen != finding_of_box.end() && findings[seen->second].redacted == redact) {
        PixelFinding& same = findings[seen->second];
        ++same.frames;
        same.confidence = std::min(same.confidence, confidence);
      } else {
        finding_of_box[key] = findings.size();
        findings.push_back(Finding("text_region", box, confidence, redact, reason));
      }
      if (redact) fills.push_back(box);
    };
    std::vector<cv::Rect> technical;  // lines kept that would not join a label block
    for (const Pending& p : lines)
      if (!p.decision.redact && !impl_->policy.JoinsLabelBlock(p.candidate, p.reading))
        technical.push_back(p.candidate.box);
    for (const Pending& p : lines) {
      const TextCandidate& c = p.candidate;
      const RegionDecision& d = p.decision;
      const TextReading* reading = p.reading;
      const int confidence =
          reading && !reading->empty() ? static_cast<int>(reading->confidence) : static_cast<int>(c.score * 100.0);
      if (!d.redact) {
        record(c.box, confidence, false, d.reason);
        continue;
      }
      // The rest of the line and label the detector saw only in part, and
      // the label's lines it missed.
      if (grey.empty()) grey = GreyImage(display);
      const int ink = c.ink >= 0 ? c.ink : InkLevel(grey, c.box, c.polarity);
      const cv::Rect line = GrowByInk(grey, c.box, ink);
      record(LineFill(line, c.box.height, margin, whole), confidence, true, d.reason);
      // A block's line is filled across the block: what of it was not
      // found by its glyphs lies under the line it was found from.
      for (const cv::Rect& missed : MissedLabelLines(grey, line, ink, technical)) {
        const int left = std::min(missed.x, line.x), right = std::max(missed.x + missed.width, line.x + line.width);
        record(LineFill(cv::Rect(left, missed.y, right - left, missed.height), c.box.height, margin, whole), confidence,
               true, "label block (same ink)");
      }
    }
  }
  if (overlay_samples > 0) {
    findings.push_back(Finding("overlay_in_pixel_data", whole, 100, true, "bits above the high bit cleared"));
    findings.back().frames = pixels.frames();
  }

  // Every box in every frame: a cine loop's annotation stays where it is, and
  // a frame where the detector missed it is covered by the others.
  std::sort(fills.begin(), fills.end(), [](const cv::Rect& a, const cv::Rect& b) {
    return std::tie(a.y, a.x, a.height, a.width) < std::tie(b.y, b.x, b.height, b.width);
  });
  fills.erase(std::unique(fills.begin(), fills.end()), fills.end());
  for (const PixelFinding& fd : findings) report.regions_redacted += fd.redacted && fd.kind != "overlay_in_pixel_data";
  if (!fills.empty())
    for (int f = 0; f < pixels.frames(); ++f) FillBoxes(pixels, f, fills);
  if (!fills.empty() || overlay_samples > 0) {
    Status s = pixels.WriteTo(file);
    if (!s.ok()) return s;
    report.pixels_changed = true;
  }
  return report;
}

Status PixelCleaner::MarkCleaned(DicomFile& file) {
  DicomItem ds = file.dataset();
  Status s = ds.SetString(kBurnedInAnnotation, "NO");
  if (!s.ok()) return s;
  bool present = false;
  ds.Walk([&](ElementRef& e) {
    if (e.tag() == kMethodCodeSequence)
      for (size_t i = 0; i < e.NumItems(); ++i)
        present = present || e.Item(i).GetString(kCodeValue).value_or("") == kCleanPixelDataCode;
    return DicomItem::Visit::kKeep;
  });
  if (present) return Status::Ok();
  const rules::CodeItem* code = rules::Cid7050(kCleanPixelDataCode);
  if (!code) return Status::Error(ErrorCode::kInternal, "CID 7050 has no code 113101");
  auto item = ds.AppendSequenceItem(kMethodCodeSequence);
  if (!item.ok()) return item.status();
  for (auto [tag, value] : {std::pair{kCodeValue, code->value}, std::pair{Tag{0x0008, 0x0102}, code->scheme},
                            std::pair{Tag{0x0008, 0x0104}, code->meaning}}) {
    s = item->SetString(tag, value);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace rwd::anon::pixel
