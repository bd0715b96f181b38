#include "gateway/run_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>

namespace rwd::gateway {

void RunLog::Event(const std::string& event, const std::string& detail) const {
  if (path_.empty()) return;
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm {};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = std::string(when) + " rwdgate[" + std::to_string(::getpid()) + "] " + event;
  if (!detail.empty()) line += " " + detail;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  line += "\n";
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;  // a log that cannot be written must not stop a run
  ssize_t w = ::write(fd, line.data(), line.size());
  (void)w;
  ::close(fd);
}

}  // namespace rwd::gateway
