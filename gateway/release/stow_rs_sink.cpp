#include "gateway/release/stow_rs_sink.h"

#include <curl/curl.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace rwd::gateway {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// The SOP Instance UIDs listed in a sequence of the STOW-RS response (PS3.18 Table 10.5.3-1).
std::vector<std::string> SopUidsIn(const nlohmann::json& response, const char* sequence_tag) {
  std::vector<std::string> out;
  auto seq = response.find(sequence_tag);
  if (seq == response.end() || !seq->contains("Value")) return out;
  for (const auto& item : (*seq)["Value"]) {
    auto uid = item.find("00081155");
    if (uid != item.end() && uid->contains("Value") && !(*uid)["Value"].empty())
      out.push_back((*uid)["Value"][0].get<std::string>());
  }
  return out;
}

}  // namespace

StowRsSink::StowRsSink(std::string base_url, std::string credentials, RetryPolicy retry)
    : base_url_(std::move(base_url)), credentials_(std::move(credentials)), retry_(retry) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  static const bool init = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)init;
}

Status StowRsSink::Attempt(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) {
  const std::string boundary = "rwdgate-boundary-7d3f9a2c41e6";
  std::string body;
  std::map<std::string, size_t> by_uid;
  for (size_t i = 0; i < files.size(); ++i) {
    if (delivered[i]) continue;
    std::ifstream in(files[i].staging_path, std::ios::binary);
    if (!in) return Status::Error(ErrorCode::kIoError, "cannot read a staged file");
    body += "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n";
    body.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    body += "\r\n";
    by_uid[files[i].sop_uid] = i;
  }
  if (by_uid.empty()) return Status::Ok();
  body += "--" + boundary + "--\r\n";

  CURL* curl = curl_easy_init();
  if (!curl) return Status::Error(ErrorCode::kInternal, "libcurl cannot start");
  std::string response;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers,
                              ("Content-Type: multipart/related; type=\"application/dicom\"; boundary=" + boundary).c_str());
  headers = curl_slist_append(headers, "Accept: application/dicom+json");
  if (credentials_.rfind("Bearer ", 0) == 0) headers = curl_slist_append(headers, ("Authorization: " + credentials_).c_str());
  const std::string url = base_url_ + "/studies";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!credentials_.empty() && credentials_.rfind("Bearer ", 0) != 0) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERPWD, credentials_.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return Status::Error(ErrorCode::kIoError, std::string("STOW-RS request failed: ") + curl_easy_strerror(rc));
  // 200: all stored; 202: some failed; 409: none stored (PS3.18 10.5.3).
  if (http != 200 && http != 202 && http != 409)
    return Status::Error(ErrorCode::kIoError, "STOW-RS answered HTTP " + std::to_string(http));
  nlohmann::json j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Error(ErrorCode::kIoError, "STOW-RS response is not DICOM JSON (HTTP " + std::to_string(http) + ")");
  for (const std::string& uid : SopUidsIn(j, "00081199")) {
    auto it = by_uid.find(uid);
    if (it != by_uid.end()) delivered[it->second] = true;
  }
  const size_t failed = SopUidsIn(j, "00081198").size();
  for (size_t i = 0; i < files.size(); ++i)
    if (!delivered[i])
      return Status::Error(ErrorCode::kIoError, "STOW-RS stored not all objects (" + std::to_string(failed) +
                                                    " in the failed SOP sequence, HTTP " + std::to_string(http) + ")");
  return Status::Ok();
}

Status StowRsSink::Deliver(std::span<const db::ReleaseEntry> files, std::vector<bool>& delivered) {
  return WithRetries(retry_, [&] { return Attempt(files, delivered); });
}

}  // namespace rwd::gateway
