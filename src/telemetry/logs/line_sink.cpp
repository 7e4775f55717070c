#include "telemetry/logs/line_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace telemetry::logs {

FdSink::~FdSink() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

void FdSink::write(std::string_view lines) noexcept {
  if (!strip_ansi_ || lines.find('\x1b') == std::string_view::npos) {
    write_all(lines);
    return;
  }
  try {
    stripped_.clear();
    for (std::size_t i = 0; i < lines.size();) {
      if (lines[i] == '\x1b' && i + 1 < lines.size() && lines[i + 1] == '[') {
        const std::size_t end = lines.find('m', i + 2);
        if (end != std::string_view::npos) {
          i = end + 1;
          continue;
        }
      }
      stripped_ += lines[i++];
    }
    write_all(stripped_);
  } catch (...) {
    write_all(lines);  // out of memory: colour codes in the file beat losing the lines
  }
}

void FdSink::write_all(std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiting{fd_, POLLOUT, 0};
      ::poll(&waiting, 1, -1);
    } else {
      return;
    }
  }
}

std::unique_ptr<FdSink> FdSink::open_append(const std::string& path, bool strip_ansi,
                                            std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot open log file \"" + path + "\": " + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<FdSink>(fd, /*owned=*/true, strip_ansi);
}

}  // namespace telemetry::logs
