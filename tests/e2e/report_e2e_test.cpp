// The cohort report of a synthetic cohort (CT, MR and an ultrasound image
// with the patient's name burned in, profiles/research.yaml), opened in
// headless Chromium with the network disabled: it renders (screenshot not
// blank, sections in the DOM), asks for nothing over the network, shows a
// thumbnail for every released series, and none of the planted PHI tokens,
// original UIDs or dates appears in its bytes, in its decoded images, or in
// what Tesseract reads in the thumbnails. The manifest lists every released
// instance.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <set>

#include "anonymizer/pixel/tesseract_text_reader.h"
#include "core/dicom_file.h"
#include "db/run_records.h"
#include "tests/e2e/e2e_support.h"
#include "tests/fixtures/synthetic_export.h"

namespace fs = std::filesystem;
using namespace rwd;
using namespace rwd::testing;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<uint8_t> FromBase64(const std::string& s) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' ? 62 : c == '/' ? 63 : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v, bits += 6;
    if (bits >= 8) bits -= 8, out.push_back(static_cast<uint8_t>(acc >> bits));
  }
  return out;
}

// The base64 run starting at `from` (std::regex would recurse once per
// character of a thumbnail and overflow the stack under ASan).
size_t Base64End(const std::string& s, size_t from) {
  while (from < s.size() && (std::isalnum(static_cast<unsigned char>(s[from])) || s[from] == '+' || s[from] == '/' ||
                             s[from] == '='))
    ++from;
  return from;
}

// Every data: image in the page (JPEG or PNG), decoded.
std::vector<std::vector<uint8_t>> InlineImages(const std::string& html) {
  std::vector<std::vector<uint8_t>> out;
  for (size_t at = html.find("data:image/"); at != std::string::npos; at = html.find("data:image/", at + 1)) {
    const size_t comma = html.find(";base64,", at);
    const std::string mime = html.substr(at + 11, comma == std::string::npos ? 0 : comma - at - 11);
    if (comma == std::string::npos || (mime != "jpeg" && mime != "png")) continue;
    const size_t begin = comma + 8;
    out.push_back(FromBase64(html.substr(begin, Base64End(html, begin) - begin)));
  }
  return out;
}

// Upper case with the letters OCR confuses with digits folded (O->0, I/L->1),
// so that a misread character does not hide a name.
std::string Folded(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
  }
  return s;
}

// What Tesseract reads in a whole image, enlarged 3x (thumbnails are small).
std::string Ocr(anon::pixel::TextReader& reader, const cv::Mat& bgr) {
  cv::Mat grey, big;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::resize(grey, big, cv::Size(), 3, 3, cv::INTER_CUBIC);
  auto r = reader.Read(big, cv::Rect(0, 0, big.cols, big.rows));
  REQUIRE(r.ok());
  return r->text;
}

// A TCP listener standing in for a proxy: Chromium sends every request to
// it and it answers none, so nothing leaves the machine. Requests() reads the
// request lines sent so far and returns the hosts asked for.
struct CountingProxy {
  int fd = -1, port = 0;
  CountingProxy() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 64) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~CountingProxy() { ::close(fd); }
  std::vector<std::string> Requests() {
    std::vector<std::string> hosts;
    for (int c; (c = ::accept(fd, nullptr, nullptr)) >= 0;) {
      timeval tv{1, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[512];
      const ssize_t n = ::recv(c, buf, sizeof buf - 1, 0);
      ::close(c);
      // Chromium may open a connection to its proxy ahead of need
      // (preconnect) and close it unused: no request line, nothing asked for.
      if (n <= 0) continue;
      std::string line(buf, n);
      line = line.substr(0, line.find('\r'));
      static const std::regex target(R"(^[A-Z]+ (?:[a-z]+://)?([^/: ]+))");
      std::smatch m;
      hosts.push_back(std::regex_search(line, m, target) ? m[1].str() : "?" + line);
    }
    return hosts;
  }
};

// Chromium's own service traffic (time, component updates, sign-in), which
// it sends whatever page is open; anything else came from the page.
bool BrowserService(const std::string& host) {
  static const std::set<std::string> kHosts = {"clients2.google.com", "update.googleapis.com", "accounts.google.com",
                                               "redirector.gvt1.com", "edgedl.me.gvt1.com"};
  return kHosts.count(host) > 0;
}

std::vector<std::string> PageRequests(CountingProxy& proxy) {
  std::vector<std::string> page;
  for (const std::string& h : proxy.Requests())
    if (!BrowserService(h)) page.push_back(h);
  return page;
}

struct Browser {
  CommandResult dom;
  bool screenshot_ok = false;
};

// Headless Chromium on a local file: DOM dump, then a screenshot; every
// request goes to `proxy`, host names resolve to nothing.
// A page waiting on the (silent) proxy is stopped after `stop_ms`.
Browser OpenInChromium(const std::string& html_path, const std::string& png, const std::string& profile_dir, int proxy_port,
                       int stop_ms = 30000) {
  const std::string flags = " --headless --disable-gpu --no-sandbox --no-first-run --disable-background-networking"
                            " --disable-component-update --disable-sync --disable-extensions --disable-default-apps"
                            " --user-data-dir=" + Quote(profile_dir) + " --proxy-server=http://127.0.0.1:" +
                            std::to_string(proxy_port) + " --host-resolver-rules=" + Quote("MAP * ~NOTFOUND, EXCLUDE 127.0.0.1") +
                            " --window-size=1200,1500 --timeout=" + std::to_string(stop_ms) + " ";
  Browser b;
  b.dom = RunShell("timeout 90 chromium" + flags + "--dump-dom " + Quote("file://" + html_path) + " 2>/dev/null");
  if (png.empty()) return b;
  RunShell("timeout 90 chromium" + flags + "--screenshot=" + Quote(png) + " " + Quote("file://" + html_path) + " 2>/dev/null");
  b.screenshot_ok = fs::exists(png);
  return b;
}

// The original dates and UIDs of the export, as they would be printed.
std::set<std::string> OriginalDates(const std::string& dir, const fixtures::ExportManifest& m) {
  std::set<std::string> dates;
  for (const std::string& f : m.dicom_files) {
    const auto bytes = ReadBytes(dir + "/" + f);
    auto file = DicomFile::Parse(bytes);
    if (!file.ok()) continue;
    for (Tag t : {Tag{0x0010, 0x0030}, Tag{0x0008, 0x0020}, Tag{0x0008, 0x0021}, Tag{0x0008, 0x0023}, Tag{0x0008, 0x0022}}) {
      auto v = file->dataset().GetString(t);
      if (v && v->size() >= 8) {
        dates.insert(v->substr(0, 8));
        dates.insert(v->substr(0, 4) + "-" + v->substr(4, 2) + "-" + v->substr(6, 2));
      }
    }
  }
  return dates;
}

}  // namespace

TEST_CASE("the cohort report opens offline in Chromium, shows every released series and no PHI") {
  REQUIRE_MESSAGE(RunShell("command -v chromium").exit_code == 0, "chromium missing: scripts/install-deps.sh installs it");
  TempDir tmp;
  fixtures::ExportOptions options;
  options.with_ultrasound = true;
  const std::string in = tmp.File("export");
  const fixtures::ExportManifest export_manifest = fixtures::WriteSyntheticExport(in, options);
  const GateRun run = RunGate(in, tmp.File("cohort"), tmp.File("work"), ProfilePath("research.yaml"));
  REQUIRE(run.cmd.exit_code == 0);
  REQUIRE(run.summary.is_object());
  const std::string report_path = run.summary["report"].get<std::string>();
  CHECK(report_path == tmp.File("work") + "/reports/run-1/report.html");
  REQUIRE(fs::exists(report_path));
  const std::string html = ReadText(report_path);
  CHECK(html.size() < 2'000'000);

  auto records = db::ReadRunRecords(tmp.File("work") + "/rwdgate.db", std::nullopt);
  REQUIRE(records.ok());
  std::vector<std::string> released_series;
  for (const auto& s : records->series)
    if (s.state == "released") released_series.push_back(s.new_series_uid);
  REQUIRE(released_series.size() >= 7);  // 3 patients x (CT + MR) + the ultrasound image

  {  // every released series has a thumbnail, and the redacted image its boxes
    for (const std::string& uid : released_series) {
      const size_t card = html.find("data-series=\"" + uid + "\"");
      REQUIRE_MESSAGE(card != std::string::npos, uid);
      const size_t next = html.find("class=\"card", card);
      const size_t img = html.find("<img class=\"thumb\"", card);
      CHECK_MESSAGE((img != std::string::npos && img < next), uid);
    }
    CHECK(html.find("class=\"card redacted\"") != std::string::npos);
    CHECK(html.find("box(es) redacted") != std::string::npos);
  }

  {  // no planted PHI token, original UID or date in the bytes, also inside the images
    std::vector<std::vector<uint8_t>> images = InlineImages(html);
    CHECK(images.size() >= released_series.size() + 1);
    std::string decoded;
    for (const auto& im : images) decoded.append(im.begin(), im.end());
    const std::string lower_html = Lower(html), lower_decoded = Lower(decoded);
    for (const std::string& t : export_manifest.phi_tokens) {
      CHECK_MESSAGE(lower_html.find(Lower(t)) == std::string::npos, t);
      CHECK_MESSAGE(lower_decoded.find(Lower(t)) == std::string::npos, t);
    }
    for (const std::string& uid : export_manifest.original_uids) CHECK_MESSAGE(html.find(uid) == std::string::npos, uid);
    for (const std::string& d : OriginalDates(in, export_manifest)) CHECK_MESSAGE(html.find(d) == std::string::npos, d);
    CHECK(html.find(in) == std::string::npos);  // no source path without --internal
    CHECK(html.find("PAT0001") == std::string::npos);  // the export's folder names (patients' names in real exports)
    for (const std::string& bad : export_manifest.bad_files) CHECK(html.find(bad) == std::string::npos);
  }

  {  // Tesseract reads none of the planted names in the thumbnails (and does read a name drawn at that size)
    auto reader = anon::pixel::TesseractTextReader::Create();
    REQUIRE(reader.ok());
    std::vector<std::string> names;
    for (size_t i = 0; i < export_manifest.phi_tokens.size(); ++i)
      if (export_manifest.phi_token_sources[i].find("PatientName") != std::string::npos)
        names.push_back(export_manifest.phi_tokens[i]);
    REQUIRE(!names.empty());
    // Control: a name drawn into a thumbnail-sized JPEG is legible to this OCR.
    cv::Mat control(120, 240, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::putText(control, names[0], {6, 60}, cv::FONT_HERSHEY_DUPLEX, 0.55, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
    std::vector<uint8_t> jpeg;
    cv::imencode(".jpg", control, jpeg, {cv::IMWRITE_JPEG_QUALITY, 70});
    const std::string control_text = Ocr(**reader, cv::imdecode(jpeg, cv::IMREAD_COLOR));
    CHECK_MESSAGE(Folded(control_text).find(Folded(names[0])) != std::string::npos, control_text);
    for (const auto& im : InlineImages(html)) {
      const cv::Mat bgr = cv::imdecode(im, cv::IMREAD_COLOR);
      REQUIRE(!bgr.empty());
      const std::string text = Folded(Ocr(**reader, bgr));
      for (const std::string& n : names) CHECK_MESSAGE(text.find(Folded(n)) == std::string::npos, n);
    }
  }

  {  // Chromium renders it offline: sections present, screenshot not blank, no request leaves
    CountingProxy proxy;
    const Browser b = OpenInChromium(report_path, tmp.File("shot.png"), tmp.File("chrome"), proxy.port);
    for (const char* id : {"run", "accounting", "composition", "acquisition", "series", "pixels", "defacing",
                           "deidentification"})
      CHECK_MESSAGE(b.dom.out.find(std::string("<section id=\"") + id + "\"") != std::string::npos, id);
    REQUIRE(b.screenshot_ok);
    const cv::Mat shot = cv::imread(tmp.File("shot.png"), cv::IMREAD_GRAYSCALE);
    REQUIRE(!shot.empty());
    cv::Mat dark;
    cv::threshold(shot, dark, 200, 255, cv::THRESH_BINARY_INV);
    CHECK(cv::countNonZero(dark) > shot.total() / 100);  // text, tables and thumbnails: not a white page
    const std::vector<std::string> leaked = PageRequests(proxy);
    CHECK_MESSAGE(leaked.empty(), (leaked.empty() ? "" : leaked[0]));
    // Nothing in the page that could address the network (the SVG namespace is a name, not a request).
    static const std::regex url(R"((src|href)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?(https?:|//)|@import)", std::regex::icase);
    CHECK(!std::regex_search(html, url));

    // Control: a page that does load a remote image reaches the proxy.
    std::ofstream(tmp.File("remote.html")) << "<html><body><img src=\"http://example.org/x.png\"></body></html>";
    OpenInChromium(tmp.File("remote.html"), "", tmp.File("chrome2"), proxy.port, 4000);
    const std::vector<std::string> control = PageRequests(proxy);
    CHECK(std::find(control.begin(), control.end(), "example.org") != control.end());
  }

  {  // the manifest lists every released instance; rwdgate report rebuilds, --internal adds paths and a banner
    const std::string dir = tmp.File("work") + "/reports/run-1";
    auto manifest = nlohmann::json::parse(ReadText(dir + "/manifest.json"));
    CHECK(manifest.size() == static_cast<size_t>(run.summary["released"].get<int64_t>()));
    int cleaned = 0;
    for (const auto& row : manifest) {
      CHECK(fs::exists(tmp.File("cohort") + "/" + row["path"].get<std::string>()));
      CHECK(row["sha256"].get<std::string>().size() == 64);
      cleaned += row["pixels_cleaned"] == "yes";
    }
    CHECK(cleaned >= 1);
    const std::string csv = ReadText(dir + "/manifest.csv");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == static_cast<long>(manifest.size()) + 1);

    const auto rebuilt = RunShell(std::string(RWDGATE_BIN) + " report --workdir " + Quote(tmp.File("work")) +
                                  " --internal --output " + Quote(tmp.File("internal.html")));
    REQUIRE(rebuilt.exit_code == 0);
    const std::string internal = ReadText(tmp.File("internal.html"));
    CHECK(internal.find("INTERNAL REPORT") != std::string::npos);
    CHECK(internal.find(in) != std::string::npos);
    for (const std::string& bad : export_manifest.bad_files)  // the not-released list names their source paths (relative to the input)
      CHECK_MESSAGE(internal.find("<td>" + bad + "</td>") != std::string::npos, bad);
    CHECK(html.find("INTERNAL REPORT") == std::string::npos);
    CHECK(RunShell(std::string(RWDGATE_BIN) + " report --workdir " + Quote(tmp.File("work")) + " --run 99").exit_code == 2);
  }
}

TEST_CASE("a quarantined image never gets a picture in the report; sections without data say so") {
  TempDir tmp;
  fixtures::ExportOptions options;
  options.with_ultrasound = true;  // quarantined at risk under the basic profile
  options.patients = 1;
  const std::string in = tmp.File("export");
  fixtures::WriteSyntheticExport(in, options);
  const GateRun run = RunGate(in, tmp.File("cohort"), tmp.File("work"));
  REQUIRE(run.cmd.exit_code == 0);
  REQUIRE(run.summary["quarantined"].get<int64_t>() >= 1);
  const std::string html = ReadText(run.summary["report"].get<std::string>());
  auto records = db::ReadRunRecords(tmp.File("work") + "/rwdgate.db", std::nullopt);
  REQUIRE(records.ok());
  size_t released_series = 0;
  for (const auto& s : records->series) released_series += s.state == "released";
  CHECK(InlineImages(html).size() == released_series);  // one thumbnail per released series, nothing else
  for (const auto& o : records->objects)
    if (o.state != "released" && !o.new_series_uid.empty())
      CHECK_MESSAGE(html.find("data-series=\"" + o.new_series_uid + "\"") == std::string::npos, o.new_series_uid);
  const size_t pixels = html.find("<section id=\"pixels\">");
  REQUIRE(pixels != std::string::npos);
  CHECK(html.find("none in this run", pixels) < html.find("</section>", pixels));
  CHECK(html.find("<script") == std::string::npos);  // content never depends on JavaScript
  CHECK(html.find("quarantined: Unsafe") != std::string::npos);
}

TEST_CASE("on an independent corpus of real files the report shows every released series and no name, MRN or birth date") {
  TempDir tmp;
  const std::string in = tmp.File("real");
  fs::create_directories(in);
  std::vector<std::string> sources;
  for (const char* f : {"CT-MONO2-16-ankle.dcm", "US-PAL-8-10x-echo.dcm", "simple-test.dcm", "rtstruct.dcm"})
    sources.push_back(std::string(RWD_OCTAVE_IMDATA) + "/" + f);
  for (const char* f : {"CT_small.dcm", "MR_small.dcm", "liver_1frame.dcm", "JPEG2000.dcm", "rtdose_1frame.dcm"})
    sources.push_back(std::string(RWD_PYDICOM_TEST_FILES) + "/" + f);
  std::set<std::string> identifiers;  // the originals' names, IDs and birth dates, as they could be printed
  for (const std::string& src : sources) {
    REQUIRE_MESSAGE(fs::exists(src), src);
    fs::copy_file(src, in + "/" + fs::path(src).filename().string());
    auto file = DicomFile::Parse(ReadBytes(src));
    REQUIRE(file.ok());
    for (Tag t : {Tag{0x0010, 0x0010}, Tag{0x0010, 0x0020}, Tag{0x0010, 0x0030}}) {
      const std::string v = file->dataset().GetString(t).value_or("");
      std::string part;
      for (char c : v + "^") {  // name components and the whole value
        if (c == '^' || c == ' ') {
          if (part.size() >= 4) identifiers.insert(part);
          part.clear();
        } else {
          part += c;
        }
      }
    }
  }
  REQUIRE(identifiers.size() >= 4);
  const GateRun run = RunGate(in, tmp.File("cohort"), tmp.File("work"));
  REQUIRE(run.cmd.exit_code == 0);
  REQUIRE(run.summary["released"].get<int64_t>() >= 4);
  const std::string html = ReadText(run.summary["report"].get<std::string>());
  auto records = db::ReadRunRecords(tmp.File("work") + "/rwdgate.db", std::nullopt);
  REQUIRE(records.ok());
  for (const auto& s : records->series) {
    if (s.state != "released") continue;
    const size_t card = html.find("data-series=\"" + s.new_series_uid + "\"");
    REQUIRE_MESSAGE(card != std::string::npos, s.new_series_uid);
    const size_t next = html.find("class=\"card", card);
    if (s.modality == "RTSTRUCT") continue;  // no pixels: the card says why
    CHECK_MESSAGE(html.find("<img class=\"thumb\"", card) < next, s.modality);
  }
  const std::string upper = [&] {  // the page's text, without the image data (random base64 could hold 4 letters)
    std::string u;
    size_t from = 0;
    for (size_t at = html.find("base64,"); at != std::string::npos; at = html.find("base64,", from)) {
      u.append(html, from, at + 7 - from);
      from = Base64End(html, at + 7);
    }
    u.append(html, from);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  for (const std::string& id : identifiers) {
    std::string u = id;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK_MESSAGE(upper.find(u) == std::string::npos, "an original identifier is in the report");
  }
}
