#include "telemetry/trace/batch_span_processor.hpp"

#include "telemetry/trace/span_record.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace telemetry {

using SteadyClock = std::chrono::steady_clock;

struct BatchSpanProcessor::State {
  BatchConfig config;
  std::unique_ptr<SpanExporter> exporter;
  WarningSink warn;

  mutable std::mutex mutex;
  std::condition_variable wake;  // the export thread waits on it
  std::condition_variable done;  // force_flush and shutdown wait on it

  // Request side: [0, queued) hold spans waiting for export. Both vectors have
  // max_queue_size slots; the export thread swaps them whole, so the request side
  // always gets back slots whose spans were already exported, storage intact.
  std::vector<SpanData> queue;
  std::size_t queued = 0;
  std::size_t in_flight = 0;       // taken by the export thread, not yet exported
  std::vector<SpanData> draining;  // export thread only

  bool stopping = false;
  bool finished = false;
  SteadyClock::time_point stop_deadline;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  SteadyClock::time_point flush_deadline;

  bool drop_episode = false;           // set by the first drop, cleared on recovery
  bool drop_episode_reported = false;  // the export thread has warned about it

  ProcessorStats stats;

  // After a shutdown that timed out, the abandoned export thread must not call the
  // sink: what it writes to (the app's logger) may be gone by then.
  std::mutex warn_mutex;
  bool abandoned = false;

  void warn_if_attached(const std::string& message) {
    std::lock_guard lock(warn_mutex);
    if (!abandoned) warn(message);
  }
};

namespace {

UnixNanos wall_now() noexcept {
  return static_cast<UnixNanos>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
}

void warn_to_stderr(std::string_view message) {
  std::fprintf(stderr, "telemetry: %.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace

BatchSpanProcessor::BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchConfig config,
                                       WarningSink warn)
    : state_(std::make_shared<State>()) {
  if (config.max_queue_size == 0) config.max_queue_size = 1;
  config.max_export_batch_size =
      std::clamp<std::size_t>(config.max_export_batch_size, 1, config.max_queue_size);
  State& state = *state_;
  state.config = config;
  state.warn = warn ? std::move(warn) : WarningSink(warn_to_stderr);
  state.stats.name = "batch -> " + (exporter ? exporter->describe() : std::string("nothing"));
  state.stats.queue_capacity = config.max_queue_size;
  state.exporter = std::move(exporter);
  state.queue.resize(config.max_queue_size);
  state.draining.resize(config.max_queue_size);
  worker_ = std::thread(&BatchSpanProcessor::run, state_);
}

BatchSpanProcessor::~BatchSpanProcessor() {
  shutdown(SteadyClock::now() + state_->config.export_timeout);
}

void BatchSpanProcessor::on_end(SpanData&& span) noexcept {
  if (!span.context.sampled()) return;  // recorded for in-process use only
  State& state = *state_;
  bool notify = false;
  {
    std::lock_guard lock(state.mutex);
    if (state.stopping || state.queued + state.in_flight >= state.config.max_queue_size) {
      ++state.stats.dropped;
      if (!state.drop_episode && !state.stopping) {
        state.drop_episode = true;
        notify = true;
      }
    } else {
      detail::swap_span_data(state.queue[state.queued], span);
      ++state.queued;
      ++state.stats.queued;
      // Wake the export thread once, when a full batch is waiting (not per span).
      notify = state.queued == state.config.max_export_batch_size;
    }
  }
  if (notify) state.wake.notify_one();
}

bool BatchSpanProcessor::force_flush(SteadyClock::time_point deadline) noexcept {
  State& state = *state_;
  std::unique_lock lock(state.mutex);
  if (state.stopping) return state.finished;
  const std::uint64_t target = ++state.flush_requested;
  state.flush_deadline = deadline;
  state.wake.notify_one();
  return state.done.wait_until(lock, deadline,
                               [&] { return state.flush_completed >= target || state.finished; });
}

bool BatchSpanProcessor::shutdown(SteadyClock::time_point deadline) noexcept {
  State& state = *state_;
  bool finished = false;
  {
    std::unique_lock lock(state.mutex);
    if (state.stopping) return state.finished;  // shut down already: never wait twice
    state.stopping = true;
    state.stop_deadline = deadline;
    state.wake.notify_one();
    finished = state.done.wait_until(lock, deadline, [&] { return state.finished; });
  }
  if (worker_.joinable()) {
    // A hung exporter must not hold the caller past its deadline: the thread keeps
    // the shared state (and the exporter) alive until it returns.
    if (finished) {
      worker_.join();
    } else {
      std::lock_guard lock(state.warn_mutex);
      state.abandoned = true;
      worker_.detach();
    }
  }
  return finished;
}

ProcessorStats BatchSpanProcessor::stats() const {
  const State& state = *state_;
  std::lock_guard lock(state.mutex);
  ProcessorStats stats = state.stats;
  stats.queue_size = state.queued + state.in_flight;
  return stats;
}

void BatchSpanProcessor::append_stats(std::vector<ProcessorStats>& out) const {
  out.push_back(stats());
}

void BatchSpanProcessor::run(std::shared_ptr<State> shared) noexcept {
  State& state = *shared;
  const BatchConfig& config = state.config;
  const std::size_t batch_size = config.max_export_batch_size;
  std::uint64_t dropped_at_last_check = 0;
  std::uint64_t dropped_before_episode = 0;

  std::unique_lock lock(state.mutex);
  auto next_export = SteadyClock::now() + config.schedule_delay;
  for (;;) {
    state.wake.wait_until(lock, next_export, [&] {
      return state.stopping || state.flush_requested != state.flush_completed ||
             state.queued >= batch_size || (state.drop_episode && !state.drop_episode_reported);
    });
    const bool timer = SteadyClock::now() >= next_export;
    const bool stopping = state.stopping;
    const std::uint64_t flush_target = state.flush_requested;
    const bool flushing = flush_target != state.flush_completed;
    const auto flush_deadline = state.flush_deadline;

    // Report the start of a drop episode at once, and its end after a quiet cycle.
    std::string message;
    const std::uint64_t dropped = state.stats.dropped;
    if (state.drop_episode && !state.drop_episode_reported) {
      state.drop_episode_reported = true;
      message =
          "span export queue is full (max_queue_size=" + std::to_string(config.max_queue_size) +
          "); dropping spans (" + std::to_string(dropped) + " dropped so far)";
    } else if (state.drop_episode && timer && dropped == dropped_at_last_check) {
      message = "span export queue has room again; " +
                std::to_string(dropped - dropped_before_episode) +
                " spans were dropped in that episode, " + std::to_string(dropped) + " in total";
      state.drop_episode = false;
      state.drop_episode_reported = false;
      dropped_before_episode = dropped;
    }
    dropped_at_last_check = dropped;

    std::size_t count = 0;
    if ((stopping || flushing || timer || state.queued >= batch_size) && state.queued > 0) {
      std::swap(state.queue, state.draining);
      count = state.queued;
      state.queued = 0;
      state.in_flight = count;
    }
    const auto cap = stopping ? state.stop_deadline : SteadyClock::time_point::max();
    lock.unlock();
    if (!message.empty()) state.warn_if_attached(message);

    // Always in chunks of at most max_export_batch_size, at shutdown too.
    for (std::size_t offset = 0; offset < count;) {
      const std::size_t length = std::min(batch_size, count - offset);
      const auto now = SteadyClock::now();
      if (stopping && now >= cap) {
        // Past the shutdown deadline: what is left is lost, and counted.
        lock.lock();
        state.stats.dropped += count - offset;
        state.in_flight = 0;
        lock.unlock();
        break;
      }
      const auto deadline = std::min(cap, now + config.export_timeout);
      const ExportResult result =
          state.exporter
              ? state.exporter->export_spans(
                    std::span<const SpanData>(state.draining.data() + offset, length), deadline)
              : ExportResult{};
      lock.lock();
      ProcessorStats& stats = state.stats;
      state.in_flight -= length;
      ++stats.batches;
      stats.last_export_time = wall_now();
      if (result.code == ExportResult::Code::success) {
        const std::uint64_t rejected = std::min<std::uint64_t>(result.rejected_spans, length);
        stats.exported += length - rejected;
        stats.failed += rejected;
        stats.last_export_ok = rejected == 0;
      } else {
        stats.failed += length;
        ++stats.failed_batches;
        stats.last_export_ok = false;
      }
      stats.last_export_message = result.message;
      lock.unlock();
      offset += length;
    }
    if (count > 0 || timer) next_export = SteadyClock::now() + config.schedule_delay;

    if (flushing && state.exporter) state.exporter->force_flush(flush_deadline);
    if (stopping) {
      if (state.exporter) state.exporter->shutdown(state.stop_deadline);
      lock.lock();
      const std::uint64_t total_dropped = state.stats.dropped;
      lock.unlock();
      if (total_dropped > 0) {
        state.warn_if_attached("span export stopped; " + std::to_string(total_dropped) +
                               " spans were dropped in total");
      }
      lock.lock();
      state.finished = true;
      if (flushing) state.flush_completed = flush_target;
      state.done.notify_all();
      return;
    }
    lock.lock();
    if (flushing) {
      state.flush_completed = flush_target;
      state.done.notify_all();
    }
  }
}

}  // namespace telemetry
