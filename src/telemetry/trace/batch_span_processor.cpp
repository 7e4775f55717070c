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
  // A ring of preallocated slots. [head, head + queued) hold spans waiting for export
  // (indices modulo capacity); the in_flight slots just before head were taken by the
  // export thread and are not written until it gives them back. A producer swaps its
  // span into the next free slot and takes back that slot's old, already exported
  // storage: no allocation on either side.
  std::vector<SpanData> slots;
  std::size_t head = 0;
  std::size_t queued = 0;
  std::size_t in_flight = 0;
  std::size_t capacity = 0;  // queued + in_flight never exceed it
  std::uint64_t accepted = 0;
  std::uint64_t dropped = 0;
  bool closed = false;  // shut down: everything after the final take is dropped
};

// Spans the export thread took from one lane: `count` slots from `first` on.
struct TakenRun {
  std::size_t lane;
  std::size_t first;
  std::size_t count;
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

  // Export thread only: the batch being exported (pointers to its spans, which stay in
  // their slots), and where in the lanes each run of it came from (to give the slots
  // back once exported).
  std::vector<const SpanData*> draining;
  std::vector<TakenRun> taken;
  std::size_t next_lane = 0;

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
      SpanData& slot = lane.slots[(lane.head + lane.queued) % lane.capacity];
      if (!span.wire.empty()) {
        // Encoded ahead: the exporter reads nothing else of it (SpanExporter::
        // encode_ahead), so only the bytes move. The span's other storage stays with
        // the thread's record, warm in this core's cache for its next span.
        slot.wire.swap(span.wire);
      } else {
        detail::swap_span_data(slot, span);
      }
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

  // Stops every lane from accepting spans (shutdown): from now on a span is either
  // already queued, and will be taken, or counted as dropped.
  void close_lanes() {
    for (Lane& lane : lanes) {
      std::lock_guard lock(lane.mutex);
      lane.closed = true;
    }
  }

  // How many spans each lane holds now: a flush or the timer exports exactly these,
  // not the ones that keep arriving while it runs.
  std::vector<std::size_t> snapshot_queued() const {
    std::vector<std::size_t> queued(lanes.size());
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      std::lock_guard lock(lanes[i].mutex);
      queued[i] = lanes[i].queued;
    }
    return queued;
  }

  // Takes up to `limit` of the oldest queued spans into `draining` (from each lane in
  // the order they ended), at most quota[lane] from a lane when a quota is given;
  // returns how many. The lanes are visited from a rotating start so that none waits
  // behind the others. Only the slot indices change under a lane's lock: the spans stay
  // in their slots, which no producer writes while they are in flight.
  std::size_t take(std::size_t limit, std::vector<std::size_t>* quota) {
    taken.clear();
    draining.clear();
    std::size_t total = 0;
    const std::size_t start = next_lane;
    next_lane = (next_lane + 1) % lanes.size();
    for (std::size_t step = 0; step < lanes.size() && total < limit; ++step) {
      const std::size_t index = (start + step) % lanes.size();
      Lane& lane = lanes[index];
      std::size_t want = limit - total;
      if (quota != nullptr) want = std::min(want, (*quota)[index]);
      TakenRun run{index, 0, 0};
      {
        std::lock_guard lock(lane.mutex);
        run.count = std::min(want, lane.queued);
        if (run.count == 0) continue;
        run.first = lane.head;
        lane.head = (lane.head + run.count) % lane.capacity;
        lane.queued -= run.count;
        lane.in_flight += run.count;
      }
      if (quota != nullptr) (*quota)[index] -= run.count;
      for (std::size_t i = 0; i < run.count; ++i) {
        draining.push_back(&lane.slots[(run.first + i) % lane.capacity]);
      }
      taken.push_back(run);
      total += run.count;
    }
    pending.fetch_sub(static_cast<std::int64_t>(total), std::memory_order_relaxed);
    return total;
  }

  // The spans last taken are done with: their slots may be written again.
  void release_taken() {
    for (const TakenRun& run : taken) {
      Lane& lane = lanes[run.lane];
      std::lock_guard lock(lane.mutex);
      lane.in_flight -= run.count;
    }
    taken.clear();
    draining.clear();
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
    lane.slots.resize(lane.capacity);
  }
  state.draining.reserve(config.max_export_batch_size);
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

    // A full batch exports full batches only: the rest waits for the next one (or the
    // timer), so that under load every request carries max_export_batch_size spans
    // instead of a full batch and a small tail. The timer, a flush and shutdown export
    // everything queued when they started, still in batches of at most that size.
    const bool everything = stopping || flushing || timer;
    if (stopping) state.close_lanes();
    std::vector<std::size_t> quota;
    std::size_t batches = 0;
    if (everything) {
      quota = state.snapshot_queued();
    } else {
      batches =
          static_cast<std::size_t>(std::max<std::int64_t>(0, state.pending.load())) / batch_size;
    }
    for (;;) {
      if (!everything && batches-- == 0) break;
      const std::size_t length = state.take(batch_size, everything ? &quota : nullptr);
      if (length == 0) break;
      const auto now = SteadyClock::now();
      if (stopping && now >= cap) {
        // Past the shutdown deadline: what is left is lost, and counted.
        state.release_taken();
        lock.lock();
        state.stats.dropped += length;
        lock.unlock();
        continue;
      }
      const auto deadline = std::min(cap, now + config.export_timeout);
      const ExportResult result =
          state.exporter
              ? state.exporter->export_spans(
                    SpanBatch(std::span<const SpanData* const>(state.draining.data(), length)),
                    deadline)
              : ExportResult{};
      state.release_taken();
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
    }
    // The timer runs on its own clock: full batches do not push it back, or spans left
    // in a quiet lane would wait as long as other lanes stay busy.
    if (timer) next_export = SteadyClock::now() + config.schedule_delay;

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
