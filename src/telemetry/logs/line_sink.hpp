#pragma once
// Where formatted lines end up. Only the logger's writer thread calls a sink, so a
// sink may block (a slow terminal, a full pipe) without slowing any request.

#include <memory>
#include <string>
#include <string_view>

namespace telemetry::logs {

class LineSink {
 public:
  virtual ~LineSink() = default;
  // One or more complete lines, each ending in '\n'.
  virtual void write(std::string_view lines) noexcept = 0;
};

// Writes to a file descriptor with ::write, retrying short writes, EINTR and
// EAGAIN (waits with poll for a non-blocking fd). A write error drops the rest of
// that chunk: there is nowhere better to report it.
class FdSink final : public LineSink {
 public:
  // `owned`: close the descriptor on destruction. `strip_ansi`: remove the colour
  // sequences (ESC '[' ... 'm') that the pretty format adds, for a file next to a
  // coloured terminal. Values never contain ESC, so only ours are removed.
  FdSink(int fd, bool owned, bool strip_ansi = false) noexcept
      : fd_(fd), owned_(owned), strip_ansi_(strip_ansi) {}
  ~FdSink() override;
  FdSink(const FdSink&) = delete;
  FdSink& operator=(const FdSink&) = delete;

  void write(std::string_view lines) noexcept override;

  // Opens `path` for appending (created 0644 if missing). Null with `error` set
  // (naming the path and the reason) when it cannot.
  static std::unique_ptr<FdSink> open_append(const std::string& path, bool strip_ansi,
                                             std::string& error);

 private:
  void write_all(std::string_view bytes) noexcept;

  int fd_;
  bool owned_;
  bool strip_ansi_;
  std::string stripped_;  // reused buffer; only the writer thread touches it
};

}  // namespace telemetry::logs
