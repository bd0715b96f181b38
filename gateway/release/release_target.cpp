#include "gateway/release/release_target.h"

#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "gateway/release/stow_rs_sink.h"

namespace rwd::gateway {

Result<ReleaseTarget> ParseReleaseTarget(const std::string& url) {
  static const std::regex kDicom(R"((dicoms?)://([^@/:]{1,16})@([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):([0-9]{1,5})/?)");
  static const std::regex kHttp(R"((https?)://([^/@]+)(/.*)?)");
  std::smatch m;
  ReleaseTarget t;
  if (std::regex_match(url, m, kDicom)) {
    const int port = std::stoi(m[4].str());
    if (port < 1 || port > 65535) return Status::Error(ErrorCode::kInvalidArgument, "--release-to: port out of range");
    t.kind = ReleaseTarget::Kind::kDicom;
    t.node.tls = m[1].str() == "dicoms";
    t.node.called_ae = m[2].str();
    t.node.host = m[3].str();
    t.node.port = static_cast<uint16_t>(port);
    return t;
  }
  if (url.find('@') != std::string::npos && url.rfind("http", 0) == 0)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "--release-to: no credentials in the URL (they would show in ps and logs); use --credentials FILE");
  if (std::regex_match(url, m, kHttp)) {
    t.kind = ReleaseTarget::Kind::kStowRs;
    t.url = url;
    return t;
  }
  return Status::Error(ErrorCode::kInvalidArgument,
                       "--release-to: expected dicom://AE@host:port, dicoms://AE@host:port (TLS) or http(s)://host/.../dicom-web");
}

Result<std::string> ReadCredentials(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::Error(ErrorCode::kIoError, "cannot read --credentials " + path);
  if (st.st_mode & 077)
    return Status::Error(ErrorCode::kUnsafe, "--credentials " + path + " is readable by others (chmod 600 it)");
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return Status::Error(ErrorCode::kIoError, "cannot read --credentials " + path);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::unique_ptr<ReleaseSink> MakeRemoteSink(const ReleaseTarget& target, const std::string& credentials,
                                            const std::string& calling_ae, RetryPolicy retry,
                                            std::shared_ptr<DcmTransportLayer> tls) {
  if (target.kind == ReleaseTarget::Kind::kStowRs) return std::make_unique<StowRsSink>(target.url, credentials, retry);
  DicomNode node = target.node;
  if (!calling_ae.empty()) node.calling_ae = calling_ae;
  return std::make_unique<DicomStoreSink>(node, retry, std::move(tls));
}

}  // namespace rwd::gateway
