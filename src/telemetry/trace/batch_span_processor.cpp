#include "telemetry/trace/batch_span_processor.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "telemetry/trace/span_queue.hpp"

namespace telemetry {

using SteadyClock = std::chrono::steady_clock;

namespace {

UnixNanos wall_now() noexcept {
  return static_cast<UnixNanos>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
}

void warn_to_stderr(std::string_view message) {
  std::fprintf(stderr, "telemetry: %.*s\n", static_cast<int>(message.size()), message.data());
}

// How often a thread ending spans gives way while the export thread is behind.
constexpr std::int64_t kYieldEvery = 32;

// The export thread was woken by a full batch and has not come for it while another
// piled up: on a machine whose cores are all busy (request threads, and a collector
// or load generator beside the service) it is waiting for a core, and at the service's
// peak the queue lasts a few milliseconds more. The thread ending this span lets the
// scheduler run something else on its core (the export thread, or a local collector
// it waits for) before the queue overflows. Not a wait: with nothing else runnable
// the call returns at once. Only every kYieldEvery spans while half the queue is
// waiting: with a slow collector (the queue full, pushes refused) that is a few calls
// each time a batch leaves.
void give_way_to_export(std::atomic<std::uint64_t>& yields) noexcept {
  yields.fetch_add(1, std::memory_order_relaxed);
  sched_yield();
}

}  // namespace

struct BatchSpanProcessor::State {
  BatchConfig config;
  std::unique_ptr<SpanExporter> exporter;
  WarningSink warn;
  detail::SpanQueue queue;

  // Spans queued and not yet taken: the request side wakes the export thread when this
  // reaches a full batch (once, not per span). Signed: the export thread may take a
  // span before its producer has counted it, so it can dip below zero for a moment.
  std::atomic<std::int64_t> pending{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> drop_episode{false};  // set by the first drop, cleared on recovery
  // From this many spans waiting on, the export thread is behind: a full batch woke it
  // and another has piled up since (see give_way_to_export). Past the queue: never.
  std::int64_t behind_from = 0;
  std::atomic<std::uint64_t> yields{0};

  // What the export thread is asked to do; `wake` and `done` wait on this mutex.
  mutable std::mutex mutex;
  std::condition_variable wake;  // the export thread waits on it
  std::condition_variable done;  // force_flush and shutdown wait on it
  bool wake_requested = false;   // a full batch or a new drop episode
  bool finished = false;
  SteadyClock::time_point stop_deadline;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  SteadyClock::time_point flush_deadline;
  ProcessorStats stats;  // export counters; the queue counts the rest

  // After a shutdown that timed out, the abandoned export thread must not call the
  // sink: what it writes to (the app's logger) may be gone by then.
  std::mutex warn_mutex;
  bool abandoned = false;

  explicit State(std::size_t capacity) : queue(capacity) {}

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
};

BatchSpanProcessor::BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchConfig config,
                                       WarningSink warn) {
  if (config.max_queue_size == 0) config.max_queue_size = 1;
  config.max_export_batch_size =
      std::clamp<std::size_t>(config.max_export_batch_size, 1, config.max_queue_size);
  state_ = std::make_shared<State>(config.max_queue_size);
  State& state = *state_;
  state.config = config;
  state.warn = warn ? std::move(warn) : WarningSink(warn_to_stderr);
  state.stats.name = "batch -> " + (exporter ? exporter->describe() : std::string("nothing"));
  state.stats.queue_capacity = config.max_queue_size;
  state.behind_from = static_cast<std::int64_t>(
      std::max(config.max_queue_size / 2, config.max_export_batch_size + 1));
  state.exporter = std::move(exporter);
  worker_ = std::thread(&BatchSpanProcessor::run, state_);
}

BatchSpanProcessor::~BatchSpanProcessor() {
  shutdown(SteadyClock::now() + state_->config.export_timeout);
}

void BatchSpanProcessor::on_end(FinishedSpan span) noexcept {
  if (!span->context.sampled()) return;  // recorded for in-process use only
  State& state = *state_;
  if (state.stopping.load(std::memory_order_acquire)) {
    state.queue.count_dropped();
    return;
  }
  // The exporter's staged bytes, written here and swapped into the queue entry (which
  // hands back an earlier span's buffer, capacity and all). While spans are being
  // dropped (a collector down or too slow), most would be staged for nothing: the
  // export thread reads the few that still get in.
  thread_local std::string staged;
  staged.clear();
  const bool is_staged = state.exporter && !state.drop_episode.load(std::memory_order_relaxed) &&
                         state.exporter->stage(*span, staged);
  if (!state.queue.push(std::move(span), is_staged ? &staged : nullptr)) {
    if (!state.drop_episode.exchange(true, std::memory_order_acq_rel)) state.request_wake();
    return;
  }
  const auto batch = static_cast<std::int64_t>(state.config.max_export_batch_size);
  const std::int64_t queued = state.pending.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (queued == batch) {
    state.request_wake();
  } else if (queued >= state.behind_from && queued % kYieldEvery == 0) {
    give_way_to_export(state.yields);
  }
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
  const detail::SpanQueue::Counts queue = state.queue.counts();
  stats.queued += queue.accepted;
  stats.dropped += queue.dropped;
  stats.queue_size += queue.held;
  stats.yields = state.yields.load(std::memory_order_relaxed);
  return stats;
}

void BatchSpanProcessor::append_stats(std::vector<ProcessorStats>& out) const {
  out.push_back(stats());
}

// --- The export thread ---------------------------------------------------------------

class BatchSpanProcessor::ExportThread {
 public:
  explicit ExportThread(State& state)
      : state_(state), next_export_(SteadyClock::now() + state.config.schedule_delay) {}

  // Until shutdown: wait, report drops, export, then finish a flush or the shutdown.
  void run() {
    for (;;) {
      const Wakeup wakeup = wait();
      report_drops(wakeup.timer);
      export_queued(wakeup);
      // The timer runs on its own clock: full batches do not push it back, or spans left
      // in a quiet lane would wait as long as other lanes stay busy.
      if (wakeup.timer) next_export_ = SteadyClock::now() + state_.config.schedule_delay;
      if (wakeup.flushing && state_.exporter) state_.exporter->force_flush(wakeup.flush_deadline);
      if (wakeup.stopping) {
        finish_shutdown(wakeup);
        return;
      }
      if (wakeup.flushing) complete_flush(wakeup.flush_target);
    }
  }

 private:
  // Why the thread woke up, read under the state's mutex.
  struct Wakeup {
    bool timer = false;
    bool stopping = false;
    bool flushing = false;
    std::uint64_t flush_target = 0;
    SteadyClock::time_point flush_deadline;
    SteadyClock::time_point cap = SteadyClock::time_point::max();  // the shutdown deadline
  };

  // Sleeps until the timer, a full batch, a new drop episode, a flush or shutdown.
  Wakeup wait() {
    const auto full_batch = static_cast<std::int64_t>(state_.config.max_export_batch_size);
    std::unique_lock lock(state_.mutex);
    state_.wake.wait_until(lock, next_export_, [&] {
      return state_.stopping.load() || state_.flush_requested != state_.flush_completed ||
             state_.wake_requested || state_.pending.load() >= full_batch;
    });
    state_.wake_requested = false;
    Wakeup wakeup;
    wakeup.timer = SteadyClock::now() >= next_export_;
    wakeup.stopping = state_.stopping.load();
    wakeup.flush_target = state_.flush_requested;
    wakeup.flushing = wakeup.flush_target != state_.flush_completed;
    wakeup.flush_deadline = state_.flush_deadline;
    if (wakeup.stopping) wakeup.cap = state_.stop_deadline;
    return wakeup;
  }

  // Reports the start of a drop episode at once, and its end after a quiet timer cycle.
  void report_drops(bool timer) {
    const std::uint64_t dropped = state_.queue.counts().dropped;
    std::string message;
    if (state_.drop_episode.load() && !episode_reported_) {
      episode_reported_ = true;
      message = "span export queue is full (max_queue_size=" +
                std::to_string(state_.config.max_queue_size) + "); dropping spans (" +
                std::to_string(dropped) + " dropped so far)";
    } else if (state_.drop_episode.load() && timer && dropped == dropped_at_last_check_) {
      message = "span export queue has room again; " +
                std::to_string(dropped - dropped_before_episode_) +
                " spans were dropped in that episode, " + std::to_string(dropped) + " in total";
      episode_reported_ = false;
      state_.drop_episode.store(false);
      dropped_before_episode_ = dropped;
    }
    dropped_at_last_check_ = dropped;
    if (!message.empty()) state_.warn_if_attached(message);
  }

  // The batching policy. A full batch exports full batches only: the rest waits for the
  // next one (or the timer), so that under load every request carries
  // max_export_batch_size spans instead of a full batch and a small tail. The timer, a
  // flush and shutdown export everything queued when they started, still in batches of
  // at most that size.
  void export_queued(const Wakeup& wakeup) {
    const std::size_t batch_size = state_.config.max_export_batch_size;
    if (wakeup.stopping) state_.queue.close();
    if (wakeup.stopping || wakeup.flushing || wakeup.timer) {
      std::vector<std::size_t> quota = state_.queue.snapshot();
      while (const std::size_t length = take(batch_size, &quota)) export_taken(length, wakeup.cap);
      return;
    }
    const auto pending = std::max<std::int64_t>(0, state_.pending.load());
    for (auto full = static_cast<std::size_t>(pending) / batch_size; full > 0; --full) {
      const std::size_t length = take(batch_size, nullptr);
      if (length == 0) break;
      export_taken(length, wakeup.cap);
    }
  }

  std::size_t take(std::size_t limit, std::vector<std::size_t>* quota) {
    const std::size_t length = state_.queue.take(limit, quota);
    state_.pending.fetch_sub(static_cast<std::int64_t>(length), std::memory_order_relaxed);
    return length;
  }

  // Exports the spans just taken (or, past the shutdown deadline, drops and counts
  // them), then gives their entries back to the queue.
  void export_taken(std::size_t length, SteadyClock::time_point cap) {
    const auto now = SteadyClock::now();
    if (now >= cap) {
      state_.queue.release_taken();
      std::lock_guard lock(state_.mutex);
      state_.stats.dropped += length;
      return;
    }
    const auto deadline = std::min(cap, now + state_.config.export_timeout);
    // The entries go back as soon as the exporter has read (encoded) the batch, not
    // when the collector answers: at the service's peak, a queue that waits out each
    // round trip overflows in bursts.
    bool released = false;
    const std::function<void()> release = [&] {
      if (released) return;
      released = true;
      state_.queue.release_taken();
    };
    const ExportResult result =
        state_.exporter ? state_.exporter->export_releasing(state_.queue.taken(), deadline, release)
                        : ExportResult{};
    release();
    count_result(length, result);
  }

  void count_result(std::size_t length, const ExportResult& result) {
    std::lock_guard lock(state_.mutex);
    ProcessorStats& stats = state_.stats;
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
  }

  void complete_flush(std::uint64_t target) {
    std::lock_guard lock(state_.mutex);
    state_.flush_completed = target;
    state_.done.notify_all();
  }

  // Everything queued was exported (or dropped past the deadline): stop the exporter,
  // say what was lost, and let shutdown() and any waiting flush return.
  void finish_shutdown(const Wakeup& wakeup) {
    if (state_.exporter) state_.exporter->shutdown(state_.stop_deadline);
    std::uint64_t dropped = state_.queue.counts().dropped;
    {
      std::lock_guard lock(state_.mutex);
      dropped += state_.stats.dropped;
    }
    if (dropped > 0) {
      state_.warn_if_attached("span export stopped; " + std::to_string(dropped) +
                              " spans were dropped in total");
    }
    std::lock_guard lock(state_.mutex);
    state_.finished = true;
    if (wakeup.flushing) state_.flush_completed = wakeup.flush_target;
    state_.done.notify_all();
  }

  State& state_;
  SteadyClock::time_point next_export_;
  bool episode_reported_ = false;  // the start of the current drop episode was reported
  std::uint64_t dropped_at_last_check_ = 0;
  std::uint64_t dropped_before_episode_ = 0;
};

void BatchSpanProcessor::run(std::shared_ptr<State> shared) noexcept {
  // Named so that top, perf and /proc/PID/task show which thread exports.
  pthread_setname_np(pthread_self(), "span-export");
  ExportThread(*shared).run();
}

}  // namespace telemetry
