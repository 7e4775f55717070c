#include "telemetry/trace/batch_span_processor.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "telemetry/trace/span_record.hpp"

namespace telemetry {

using SteadyClock = std::chrono::steady_clock;

namespace {

// One lane of the queue. Threads that end spans at the same time would all fight over
// one lock and one set of cache lines; with a lane per thread (as far as there are
// lanes) each mostly takes its own. The lanes' capacities add up to max_queue_size.
struct alignas(64) Lane {  // its own cache lines: no false sharing between lanes
  mutable std::mutex mutex;
  // [0, queued) hold spans waiting for export. The export thread swaps `queue` with
  // `spare` whole, so the request side always gets back slots whose spans were already
  // exported, storage intact (no allocation on either side).
  std::vector<SpanData> queue;
  std::vector<SpanData> spare;  // export thread only
  std::size_t queued = 0;
  std::size_t in_flight = 0;  // taken by the export thread, not yet exported
  std::size_t capacity = 0;   // queued + in_flight never exceed it
  std::uint64_t accepted = 0;
  std::uint64_t dropped = 0;
  bool closed = false;  // shut down: everything after the final take is dropped
};

// Spreads threads over lanes: each thread gets the next number the first time it ends
// a span, and keeps it.
std::size_t thread_number() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

std::size_t lane_count(std::size_t max_queue_size) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  // Request threads usually outnumber cores (I/O plus database threads): two lanes per
  // core, so that few threads share one.
  return std::clamp<std::size_t>(2 * cores, 1, std::min<std::size_t>(16, max_queue_size));
}

UnixNanos wall_now() noexcept {
  return static_cast<UnixNanos>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
}

void warn_to_stderr(std::string_view message) {
  std::fprintf(stderr, "telemetry: %.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace

struct BatchSpanProcessor::State {
  BatchConfig config;
  std::unique_ptr<SpanExporter> exporter;
  WarningSink warn;

  std::vector<Lane> lanes;
  // Spans queued in all lanes: the request side wakes the export thread when this
  // reaches a full batch (once, not per span). Signed: the export thread may take a
  // span before its producer has counted it, so it can dip below zero for a moment.
  std::atomic<std::int64_t> pending{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> drop_episode{false};  // set by the first drop, cleared on recovery

  // The export thread's state; `wake` and `done` wait on this mutex.
  mutable std::mutex mutex;
  std::condition_variable wake;  // the export thread waits on it
  std::condition_variable done;  // force_flush and shutdown wait on it
  bool wake_requested = false;   // a full batch or a new drop episode
  bool finished = false;
  SteadyClock::time_point stop_deadline;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  SteadyClock::time_point flush_deadline;
  bool drop_episode_reported = false;  // the export thread has warned about it
  ProcessorStats stats;                // export counters; queue counters live in lanes

  // Export thread only: the spans being exported, contiguous, and which lane each run
  // of them came from (to give the lanes their room back once exported).
  std::vector<SpanData> draining;
  std::vector<std::pair<std::size_t, std::size_t>> draining_runs;  // (lane, count)

  // After a shutdown that timed out, the abandoned export thread must not call the
  // sink: what it writes to (the app's logger) may be gone by then.
  std::mutex warn_mutex;
  bool abandoned = false;

  void warn_if_attached(const std::string& message) {
    std::lock_guard lock(warn_mutex);
    if (!abandoned) warn(message);
  }

  void request_wake() {
    {
      std::lock_guard lock(mutex);
      wake_requested = true;
    }
    wake.notify_one();
  }

  // Tries the thread's own lane first, then the others: a span is dropped only when
  // the whole queue is full.
  bool enqueue(SpanData& span) noexcept {
    const std::size_t home = thread_number() % lanes.size();
    for (std::size_t step = 0; step < lanes.size(); ++step) {
      Lane& lane = lanes[(home + step) % lanes.size()];
      std::lock_guard lock(lane.mutex);
      if (lane.closed || lane.queued + lane.in_flight >= lane.capacity) continue;
      detail::swap_span_data(lane.queue[lane.queued], span);
      ++lane.queued;
      ++lane.accepted;
      return true;
    }
    Lane& lane = lanes[home];
    std::lock_guard lock(lane.mutex);
    ++lane.dropped;
    return false;
  }

  std::uint64_t total_dropped() const {
    std::uint64_t dropped = 0;
    for (const Lane& lane : lanes) {
      std::lock_guard lock(lane.mutex);
      dropped += lane.dropped;
    }
    return dropped;
  }

  // Moves every queued span into `draining`; returns how many. With `close`, the lanes
  // accept nothing more (shutdown): a span is either taken here or counted as dropped.
  std::size_t take_all(bool close) {
    draining_runs.clear();
    std::size_t total = 0;
    for (std::size_t index = 0; index < lanes.size(); ++index) {
      Lane& lane = lanes[index];
      std::size_t count = 0;
      {
        std::lock_guard lock(lane.mutex);
        if (close) lane.closed = true;
        count = lane.queued;
        if (count == 0) continue;
        lane.queue.swap(lane.spare);
        lane.queued = 0;
        lane.in_flight += count;
      }
      for (std::size_t i = 0; i < count; ++i) {
        detail::swap_span_data(draining[total + i], lane.spare[i]);
      }
      draining_runs.emplace_back(index, count);
      total += count;
    }
    pending.fetch_sub(static_cast<std::int64_t>(total), std::memory_order_relaxed);
    return total;
  }

  // The spans [offset, offset + count) of `draining` are done with: their storage goes
  // back to the lane it came from, and their lanes may queue that many again.
  // Swapping the storage back (rather than leaving each lane whatever `draining` held)
  // keeps a thread's span storage in its own lane: the strings it overwrites next were
  // last written by the same core, not pulled from another one.
  void release(std::size_t offset, std::size_t count) {
    std::size_t run_start = 0;
    for (const auto& [index, run_count] : draining_runs) {
      const std::size_t begin = std::max(offset, run_start);
      const std::size_t end = std::min(offset + count, run_start + run_count);
      if (begin < end) {
        Lane& lane = lanes[index];
        // `spare` is the export thread's until the next take_all: no lock needed.
        for (std::size_t i = begin; i < end; ++i) {
          detail::swap_span_data(draining[i], lane.spare[i - run_start]);
        }
        std::lock_guard lock(lane.mutex);
        lane.in_flight -= end - begin;
      }
      run_start += run_count;
    }
  }
};

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
  const std::size_t lanes = lane_count(config.max_queue_size);
  state.lanes = std::vector<Lane>(lanes);
  for (std::size_t i = 0; i < lanes; ++i) {
    Lane& lane = state.lanes[i];
    lane.capacity = config.max_queue_size / lanes + (i < config.max_queue_size % lanes ? 1 : 0);
    lane.queue.resize(lane.capacity);
    lane.spare.resize(lane.capacity);
  }
  state.draining.resize(config.max_queue_size);
  worker_ = std::thread(&BatchSpanProcessor::run, state_);
}

BatchSpanProcessor::~BatchSpanProcessor() {
  shutdown(SteadyClock::now() + state_->config.export_timeout);
}

void BatchSpanProcessor::on_end(SpanData&& span) noexcept {
  if (!span.context.sampled()) return;  // recorded for in-process use only
  State& state = *state_;
  if (state.stopping.load(std::memory_order_acquire)) {
    Lane& lane = state.lanes[thread_number() % state.lanes.size()];
    std::lock_guard lock(lane.mutex);
    ++lane.dropped;
    return;
  }
  // While spans are being dropped (a collector down or too slow), most would be encoded
  // for nothing: the export thread encodes the few that still get in.
  if (state.exporter && !state.drop_episode.load(std::memory_order_relaxed)) {
    state.exporter->encode_ahead(span);
  }
  if (!state.enqueue(span)) {
    if (!state.drop_episode.exchange(true, std::memory_order_acq_rel)) state.request_wake();
    return;
  }
  const auto batch = static_cast<std::int64_t>(state.config.max_export_batch_size);
  if (state.pending.fetch_add(1, std::memory_order_acq_rel) + 1 == batch) state.request_wake();
}

bool BatchSpanProcessor::force_flush(SteadyClock::time_point deadline) noexcept {
  State& state = *state_;
  std::unique_lock lock(state.mutex);
  if (state.stopping.load()) return state.finished;
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
    if (state.stopping.load()) return state.finished;  // shut down already: never wait twice
    state.stop_deadline = deadline;
    state.stopping.store(true, std::memory_order_release);
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
  ProcessorStats stats;
  {
    std::lock_guard lock(state.mutex);
    stats = state.stats;
  }
  for (const Lane& lane : state.lanes) {
    std::lock_guard lock(lane.mutex);
    stats.queued += lane.accepted;
    stats.dropped += lane.dropped;
    stats.queue_size += lane.queued + lane.in_flight;
  }
  return stats;
}

void BatchSpanProcessor::append_stats(std::vector<ProcessorStats>& out) const {
  out.push_back(stats());
}

void BatchSpanProcessor::run(std::shared_ptr<State> shared) noexcept {
  State& state = *shared;
  const BatchConfig& config = state.config;
  const std::size_t batch_size = config.max_export_batch_size;
  const auto batch_pending = static_cast<std::int64_t>(batch_size);
  std::uint64_t dropped_at_last_check = 0;
  std::uint64_t dropped_before_episode = 0;

  std::unique_lock lock(state.mutex);
  auto next_export = SteadyClock::now() + config.schedule_delay;
  for (;;) {
    state.wake.wait_until(lock, next_export, [&] {
      return state.stopping.load() || state.flush_requested != state.flush_completed ||
             state.wake_requested || state.pending.load() >= batch_pending;
    });
    state.wake_requested = false;
    const bool timer = SteadyClock::now() >= next_export;
    const bool stopping = state.stopping.load();
    const std::uint64_t flush_target = state.flush_requested;
    const bool flushing = flush_target != state.flush_completed;
    const auto flush_deadline = state.flush_deadline;
    const auto cap = stopping ? state.stop_deadline : SteadyClock::time_point::max();
    lock.unlock();

    // Report the start of a drop episode at once, and its end after a quiet cycle.
    std::string message;
    const std::uint64_t dropped = state.total_dropped();
    if (state.drop_episode.load() && !state.drop_episode_reported) {
      state.drop_episode_reported = true;
      message =
          "span export queue is full (max_queue_size=" + std::to_string(config.max_queue_size) +
          "); dropping spans (" + std::to_string(dropped) + " dropped so far)";
    } else if (state.drop_episode.load() && timer && dropped == dropped_at_last_check) {
      message = "span export queue has room again; " +
                std::to_string(dropped - dropped_before_episode) +
                " spans were dropped in that episode, " + std::to_string(dropped) + " in total";
      state.drop_episode_reported = false;
      state.drop_episode.store(false);
      dropped_before_episode = dropped;
    }
    dropped_at_last_check = dropped;
    if (!message.empty()) state.warn_if_attached(message);

    std::size_t count = 0;
    if (stopping || flushing || timer || state.pending.load() >= batch_pending) {
      count = state.take_all(stopping);
    }

    // Always in chunks of at most max_export_batch_size, at shutdown too.
    for (std::size_t offset = 0; offset < count;) {
      const std::size_t length = std::min(batch_size, count - offset);
      const auto now = SteadyClock::now();
      if (stopping && now >= cap) {
        // Past the shutdown deadline: what is left is lost, and counted.
        state.release(offset, count - offset);
        lock.lock();
        state.stats.dropped += count - offset;
        lock.unlock();
        break;
      }
      const auto deadline = std::min(cap, now + config.export_timeout);
      const ExportResult result =
          state.exporter
              ? state.exporter->export_spans(
                    std::span<const SpanData>(state.draining.data() + offset, length), deadline)
              : ExportResult{};
      state.release(offset, length);
      lock.lock();
      ProcessorStats& stats = state.stats;
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
      const std::uint64_t total_dropped = state.total_dropped() + [&] {
        std::lock_guard guard(state.mutex);
        return state.stats.dropped;
      }();
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
