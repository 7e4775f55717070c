#include "telemetry/logs/async_logger.hpp"

#include <algorithm>
#include <condition_variable>
#include <stdexcept>
#include <utility>
#include <vector>

namespace telemetry::logs {

namespace {
// The writer hands sinks chunks of about this size: few syscalls, bounded memory.
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr auto kDestructorDeadline = std::chrono::seconds(2);
// After a batch the writer waits this long for more lines before it asks to be woken:
// waking it costs the logging thread a futex syscall, so under steady traffic lines
// are collected for at most this long and written together.
constexpr auto kLinger = std::chrono::milliseconds(1);
}  // namespace

struct AsyncLogger::Shared {
  // Read-only after construction.
  LineStyle style;
  LevelFilter filter;
  WallClock clock;
  std::size_t capacity;
  std::vector<std::shared_ptr<LineSink>> sinks;
  std::shared_ptr<TraceLineListener> trace_lines;

  std::mutex mutex;
  std::condition_variable wake_writer;
  std::condition_variable progress;  // flush() and shutdown() wait on this
  std::vector<std::string> pending;  // accepted, not yet taken by the writer
  std::size_t in_flight = 0;         // taken by the writer, not yet written
  std::uint64_t accepted = 0;        // lines ever accepted
  std::uint64_t written = 0;         // of those, handed to the sinks
  std::uint64_t unreported_drops = 0;
  bool writer_waiting = false;
  bool stopping = false;
  bool finished = false;
  std::atomic<std::uint64_t> dropped{0};

  std::chrono::system_clock::time_point now() const {
    return clock ? clock() : std::chrono::system_clock::now();
  }

  void push(std::string&& line) noexcept {
    std::unique_lock lock(mutex);
    if (stopping || pending.size() + in_flight >= capacity) {
      if (!stopping) ++unreported_drops;
      dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    pending.push_back(std::move(line));  // capacity reserved: no allocation under the lock
    ++accepted;
    const bool wake = writer_waiting;
    writer_waiting = false;
    lock.unlock();
    if (wake) wake_writer.notify_one();
  }

  void emit(std::string_view lines) noexcept {
    for (const auto& sink : sinks) sink->write(lines);
  }

  void write_batch(const std::vector<std::string>& batch, std::string& chunk) noexcept {
    chunk.clear();
    for (const std::string& line : batch) {
      if (!chunk.empty() && chunk.size() + line.size() > kChunkBytes) {
        emit(chunk);
        chunk.clear();
      }
      if (line.size() >= kChunkBytes) {
        emit(line);
      } else {
        chunk += line;  // chunk keeps its capacity between batches
      }
    }
    if (!chunk.empty()) emit(chunk);
  }

  void report_drops(std::uint64_t count, std::string& chunk) noexcept {
    if (!filter.enabled(Level::warn, "logs")) return;
    try {
      const Field fields[] = {{"dropped", static_cast<std::int64_t>(count)}};
      chunk.clear();
      append_line(chunk, style,
                  LineEvent{now(), Level::warn, "logs", "log lines dropped", fields, nullptr});
      emit(chunk);
    } catch (...) {
      // Out of memory: the count is still in dropped_count().
    }
  }

  void run() noexcept {
    std::vector<std::string> batch;
    std::string chunk;
    try {
      batch.reserve(capacity);
      chunk.reserve(kChunkBytes);
    } catch (...) {
    }
    std::unique_lock lock(mutex);
    bool lingered = false;
    while (true) {
      if (!pending.empty()) {
        lingered = false;
        batch.swap(pending);
        in_flight = batch.size();
        lock.unlock();
        write_batch(batch, chunk);
        batch.clear();
        lock.lock();
        written += std::exchange(in_flight, 0);
        progress.notify_all();
        continue;
      }
      // The queue is empty: the pressure has passed, say what it cost.
      if (unreported_drops > 0) {
        const std::uint64_t count = unreported_drops;
        lock.unlock();
        report_drops(count, chunk);
        lock.lock();
        unreported_drops -= count;
        progress.notify_all();
        continue;
      }
      if (stopping) break;
      if (!lingered) {
        lingered = true;
        wake_writer.wait_for(lock, kLinger);
        continue;
      }
      writer_waiting = true;
      wake_writer.wait(lock);
      writer_waiting = false;
    }
    finished = true;
    progress.notify_all();
  }
};

namespace {
// The line in JSON, as the trace view keeps it: the same bytes when the logger writes
// JSON, else formatted a second time (the same redaction and escaping apply).
void hand_to_trace(AsyncLogger::Shared& s, const LineEvent& event, const std::string& line) {
  std::string json;
  if (s.style.format == Format::json) {
    json = line;
  } else {
    const LineStyle style{Format::json, false, s.style.max_value_bytes};
    json.reserve(estimate_line_bytes(style, event));
    append_line(json, style, event);
  }
  s.trace_lines->on_trace_line(*event.correlation->span, std::move(json));
}
}  // namespace

AsyncLogger::AsyncLogger(LoggerOptions options, std::unique_ptr<LineSink> file_sink)
    : shared_(std::make_shared<Shared>()) {
  Shared& s = *shared_;
  s.style =
      LineStyle{options.format, options.color, std::max<std::size_t>(options.max_value_bytes, 1)};
  s.filter = std::move(options.filter);
  s.clock = std::move(options.clock);
  s.capacity = std::max<std::size_t>(options.queue_capacity, 1);
  s.pending.reserve(s.capacity);
  if (options.stdout_fd >= 0) {
    s.sinks.push_back(std::make_shared<FdSink>(options.stdout_fd, /*owned=*/false));
  }
  if (file_sink) s.sinks.push_back(std::move(file_sink));
  if (options.extra_sink) s.sinks.push_back(std::move(options.extra_sink));
  s.trace_lines = std::move(options.trace_lines);
  writer_ = std::thread([shared = shared_] { shared->run(); });
}

AsyncLogger::~AsyncLogger() {
  shutdown(std::chrono::steady_clock::now() + kDestructorDeadline);
}

bool AsyncLogger::enabled(Level level, std::string_view target) const noexcept {
  return shared_->filter.enabled(level, target);
}

void AsyncLogger::write(Level level, std::string_view target, std::string_view message,
                        std::span<const Field> fields,
                        const Correlation* correlation) const noexcept {
  Shared& s = *shared_;
  try {
    const LineEvent event{s.now(), level, target, message, fields, correlation};
    std::string line;
    line.reserve(estimate_line_bytes(s.style, event));
    append_line(line, s.style, event);
    if (s.trace_lines && correlation != nullptr && correlation->span != nullptr &&
        correlation->span->valid()) {
      hand_to_trace(s, event, line);
    }
    s.push(std::move(line));
  } catch (...) {
    // bad_alloc, or a throwing test clock: lose the line, not the request.
    std::lock_guard lock(s.mutex);
    if (!s.stopping) ++s.unreported_drops;
    s.dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

bool AsyncLogger::flush(std::chrono::steady_clock::time_point deadline) noexcept {
  Shared& s = *shared_;
  std::unique_lock lock(s.mutex);
  const std::uint64_t target = s.accepted;
  s.wake_writer.notify_one();  // do not wait out the writer's linger
  return s.progress.wait_until(lock, deadline, [&] {
    return s.finished || (s.written >= target && s.unreported_drops == 0);
  }) && s.written >= target;
}

bool AsyncLogger::shutdown(std::chrono::steady_clock::time_point deadline) noexcept {
  std::lock_guard lifecycle(lifecycle_);
  if (!writer_.joinable()) return true;
  Shared& s = *shared_;
  bool finished;
  {
    std::unique_lock lock(s.mutex);
    s.stopping = true;
    s.writer_waiting = false;
    s.wake_writer.notify_one();
    finished = s.progress.wait_until(lock, deadline, [&] { return s.finished; });
  }
  if (finished) {
    writer_.join();
  } else {
    writer_.detach();  // it owns a reference to the shared state
  }
  return finished;
}

std::uint64_t AsyncLogger::dropped_count() const noexcept {
  return shared_->dropped.load(std::memory_order_relaxed);
}

const LevelFilter& AsyncLogger::filter() const noexcept {
  return shared_->filter;
}

Result<std::unique_ptr<AsyncLogger>> try_make_logger(LoggerOptions options) {
  std::unique_ptr<LineSink> file_sink;
  if (!options.file_path.empty()) {
    std::string error;
    file_sink = FdSink::open_append(options.file_path, options.color, error);
    if (!file_sink) return Error{"LOG_FILE: " + error};
  }
  return std::make_unique<AsyncLogger>(std::move(options), std::move(file_sink));
}

std::unique_ptr<AsyncLogger> make_logger(LoggerOptions options) {
  auto logger = try_make_logger(std::move(options));
  if (!logger) throw std::runtime_error(logger.error());
  return std::move(logger).value();
}

}  // namespace telemetry::logs
