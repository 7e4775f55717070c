#pragma once
// Helpers shared by the logger tests: a sink that records what the writer thread
// hands it, a sink that holds the writer until the test lets it go (so a full queue
// is reached deterministically, without sleeps), and a pinned clock.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "telemetry/logs/async_logger.hpp"

namespace telemetry::logs::testing {

class CapturingSink : public LineSink {
 public:
  void write(std::string_view lines) noexcept override {
    std::lock_guard lock(mutex_);
    text_.append(lines);
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    const std::string all = text();
    std::size_t start = 0;
    while (start < all.size()) {
      const std::size_t end = all.find('\n', start);
      if (end == std::string::npos) {
        out.push_back(all.substr(start));  // an unterminated tail would be a bug; keep it
        break;
      }
      out.push_back(all.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

// Blocks the writer inside its first write until open() is called.
class GatedSink : public CapturingSink {
 public:
  void write(std::string_view lines) noexcept override {
    {
      std::unique_lock lock(gate_mutex_);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
    }
    CapturingSink::write(lines);
  }
  void wait_until_writer_blocked() {
    std::unique_lock lock(gate_mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void open() {
    std::lock_guard lock(gate_mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex gate_mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

// 2026-11-24T23:20:15.123456Z
inline std::chrono::system_clock::time_point fixed_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 24} + hours{23} + minutes{20} + seconds{15} +
         microseconds{123456};
}

inline LoggerOptions test_options(std::shared_ptr<LineSink> sink) {
  LoggerOptions options;
  options.stdout_fd = -1;
  options.extra_sink = std::move(sink);
  options.clock = [] { return fixed_time(); };
  return options;
}

inline std::chrono::steady_clock::time_point soon() {
  // A generous bound for a wait that should finish at once; never a timing assertion.
  return std::chrono::steady_clock::now() + std::chrono::seconds(30);
}

}  // namespace telemetry::logs::testing
