#pragma once
// The logger the service runs with. The calling thread formats the line into a
// std::string and hands it to a bounded queue; one writer thread drains the queue in
// batches to stdout, the optional log file and any extra sink. A full queue drops
// the newest line and counts it, so a slow terminal or pipe never blocks a request;
// once the queue has drained, the writer logs how many were lost:
//   {"timestamp":...,"level":"warn","target":"logs","message":"log lines dropped","dropped":1234}
// (subject to the filter like any line at warn for target "logs").
//
//   auto options = LoggerOptions::from_env(std::getenv);
//   if (!options) { std::fprintf(stderr, "%s\n", options.error().c_str()); return 2; }
//   auto logger = make_logger(std::move(*options));
//   logger->info("http", "listening", {{"port", 8080}});
//   ...
//   logger->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(2));

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "telemetry/logs/level_filter.hpp"
#include "telemetry/logs/line_format.hpp"
#include "telemetry/logs/line_sink.hpp"
#include "telemetry/logs/logger.hpp"
#include "telemetry/logs/result.hpp"
#include "telemetry/logs/trace_line_listener.hpp"

namespace telemetry::logs {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct LoggerOptions {
  Format format = Format::json;
  LevelFilter filter;
  std::string file_path;                 // empty: no file; else appended to, in the same format
  std::size_t queue_capacity = 8192;     // lines accepted but not yet written (at least 1)
  std::size_t max_value_bytes = 8192;    // longer strings are cut (see line_format.hpp)
  bool color = false;                    // ANSI colours in the pretty format (never in the file)
  int stdout_fd = 1;                     // -1: no standard output
  WallClock clock;                       // empty: system_clock::now; tests pin it
  std::shared_ptr<LineSink> extra_sink;  // also receives every line (tests, embedding)
  // Also receives, in JSON form, every line written inside a trace (the trace view).
  std::shared_ptr<TraceLineListener> trace_lines;

  using EnvLookup = std::function<const char*(const char*)>;
  // Reads LOG_FORMAT (json|pretty; default pretty on a terminal, else json),
  // LOG_LEVEL (directives, default "info"), LOG_FILE, LOG_COLOR (auto|always|never;
  // auto = pretty on a terminal and NO_COLOR unset), LOG_MAX_VALUE_BYTES and
  // LOG_QUEUE_CAPACITY. An invalid value is an error whose message starts with the
  // setting's name, e.g. "LOG_LEVEL: invalid log directive \"http=loud\": ...".
  static Result<LoggerOptions> from_env(const EnvLookup& getenv);
  static Result<LoggerOptions> from_env(const EnvLookup& getenv, bool stdout_is_terminal);
};

class AsyncLogger final : public Logger {
 public:
  struct Shared;  // queue and writer state; outlives this object if the writer is stuck

  AsyncLogger(LoggerOptions options, std::unique_ptr<LineSink> file_sink);
  ~AsyncLogger() override;  // shutdown() with a 2 s deadline if not done yet
  AsyncLogger(const AsyncLogger&) = delete;
  AsyncLogger& operator=(const AsyncLogger&) = delete;

  bool enabled(Level level, std::string_view target) const noexcept override;
  // Formats and enqueues without checking the filter (callers ask enabled() first;
  // the helpers in Logger do). Never blocks on output; counts a drop when full.
  void write(Level level, std::string_view target, std::string_view message,
             std::span<const Field> fields,
             const Correlation* correlation = nullptr) const noexcept override;

  // Waits until every line accepted before the call (and any pending "dropped"
  // report) has been handed to the sinks. False if the deadline came first.
  bool flush(std::chrono::steady_clock::time_point deadline) noexcept;
  // Stops accepting lines (later ones count as dropped), drains what is queued and
  // stops the writer. False if the deadline came first; the writer is then left to
  // finish on its own (it may be blocked on a terminal) and nothing waits for it.
  bool shutdown(std::chrono::steady_clock::time_point deadline) noexcept;

  // Lines lost since start: queue full, out of memory, or written after shutdown.
  std::uint64_t dropped_count() const noexcept;

  const LevelFilter& filter() const noexcept;

 private:
  std::shared_ptr<Shared> shared_;
  std::thread writer_;
  std::mutex lifecycle_;  // serializes shutdown()
};

// Opens the log file if any and starts the writer. Throws std::runtime_error naming
// the file and the reason when LOG_FILE cannot be opened; try_make_logger returns it.
std::unique_ptr<AsyncLogger> make_logger(LoggerOptions options);
Result<std::unique_ptr<AsyncLogger>> try_make_logger(LoggerOptions options);

}  // namespace telemetry::logs
