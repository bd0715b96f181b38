#pragma once
// Real peers for the network tests: processes started on loopback and
// stopped by their PID (never by name), free ports, Orthanc with a
// generated configuration and its own storage folder, read back through its
// REST API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/support/test_support.h"

extern char** environ;

namespace rwd::testing {

// A loopback TCP port nobody listens on right now.
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool PortOpen(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a {};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A child process: `sh -c "exec COMMAND"` with stdout/stderr to files.
class Child {
 public:
  Child(const std::string& command, const std::string& out_file, const std::string& err_file) {
    const std::string line = "exec " + command + " >" + Quote(out_file) + " 2>" + Quote(err_file);
    const char* argv[] = {"/bin/sh", "-c", line.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // Sends `sig` and waits up to `seconds`; returns the exit status (-1: still running, then SIGKILLed).
  int Stop(int sig = SIGTERM, double seconds = 60) {
    if (pid_ <= 0 || exited_) return status_;
    ::kill(pid_, sig);
    return Wait(seconds);
  }
  int Wait(double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        exited_ = true;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exited_ = true;
    return status_ = -1;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = -1;
};

inline bool WaitForPort(int port, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (PortOpen(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Debian's Orthanc on loopback: DICOM port (AE ORTHANC), HTTP port with the
// DICOMweb plugin, storage in `dir`.
class Orthanc {
 public:
  explicit Orthanc(const std::string& dir) : dir_(dir), dicom_port_(FreePort()), http_port_(FreePort()) {
    while (http_port_ == dicom_port_) http_port_ = FreePort();
    nlohmann::json cfg = {{"Name", "rwdgate-test"},
                          {"StorageDirectory", dir + "/storage"},
                          {"IndexDirectory", dir + "/storage"},
                          {"HttpPort", http_port_},
                          {"DicomPort", dicom_port_},
                          {"DicomAet", "ORTHANC"},
                          {"RemoteAccessAllowed", false},
                          {"AuthenticationEnabled", false},
                          {"DicomCheckCalledAet", true},
                          {"StorageCompression", false},
                          {"Plugins", {"/usr/share/orthanc/plugins/libOrthancDicomWeb.so"}},
                          {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}}};
    WriteText(dir + "/orthanc.json", cfg.dump(2));
  }
  bool Start() {
    child_ = std::make_unique<Child>("Orthanc " + Quote(dir_ + "/orthanc.json"), dir_ + "/orthanc.out", dir_ + "/orthanc.err");
    return WaitForPort(http_port_, 30) && WaitForPort(dicom_port_, 30);
  }
  void Stop() {
    if (child_) child_->Stop(SIGTERM, 30);
    child_.reset();
  }
  ~Orthanc() { Stop(); }
  int dicom_port() const { return dicom_port_; }
  int http_port() const { return http_port_; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(http_port_) + path; }
  // GET through the REST API (curl), as text.
  std::string Get(const std::string& path) const { return RunShell("curl -sf " + Quote(Url(path))).out; }
  nlohmann::json GetJson(const std::string& path) const { return nlohmann::json::parse(Get(path), nullptr, false); }
  // The instances' files, downloaded into `into`; returns their paths.
  std::vector<std::string> DownloadAll(const std::string& into) const {
    std::vector<std::string> files;
    RunShell("mkdir -p " + Quote(into));
    nlohmann::json ids = GetJson("/instances");
    if (!ids.is_array()) return files;
    for (const auto& id : ids) {
      const std::string f = into + "/" + id.get<std::string>() + ".dcm";
      RunShell("curl -sf -o " + Quote(f) + " " + Quote(Url("/instances/" + id.get<std::string>() + "/file")));
      files.push_back(f);
    }
    return files;
  }

 private:
  std::string dir_;
  int dicom_port_, http_port_;
  std::unique_ptr<Child> child_;
};

// The bytes of a DICOM file after its File Meta Information group (PS3.10
// 7.1): what a peer stores unchanged (it writes its own meta group).
inline std::vector<uint8_t> DatasetBytes(const std::vector<uint8_t>& file) {
  // Preamble (128), "DICM", then (0002,0000) UL: tag 4, VR 2, length 2, value 4.
  if (file.size() < 144 || file[128] != 'D' || file[131] != 'M') return file;
  const uint32_t group_length = file[140] | (file[141] << 8) | (file[142] << 16) | (static_cast<uint32_t>(file[143]) << 24);
  const size_t start = 144 + group_length;
  return start <= file.size() ? std::vector<uint8_t>(file.begin() + start, file.end()) : std::vector<uint8_t>();
}

}  // namespace rwd::testing
