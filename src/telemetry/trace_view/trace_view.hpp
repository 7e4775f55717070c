#pragma once
// The built-in trace view's collector: a span processor that keeps every recorded span
// (sampled or not) and a log-line listener that keeps the lines written inside a
// trace, both feeding one bounded TraceStore.
//
// On the request thread, on_end and on_trace_line only move a handle or a string into
// a bounded inbox under a short lock: no copy of the span, no allocation in the usual
// case, and a wake-up call only when an inbox lane is half full. The inbox is split
// into lanes, one per thread as far as they go (the I/O and database threads all end
// spans), so that they do not queue on one lock. A background thread wakes every
// `digest_interval` (or then), appends the spans it finds to the store and drops their
// handles (so pooled span records go back to the pool), then lets the store decide
// and evict. Readers digest first, so what a reader sees is never older than the last
// span ended.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/logs/trace_line_listener.hpp"
#include "telemetry/trace/processor.hpp"
#include "telemetry/trace_view/trace_store.hpp"

namespace telemetry::trace_view {

struct TraceViewOptions {
  StoreLimits limits;
  std::size_t inbox_capacity = 16'384;  // spans and lines waiting for the digest each
  std::size_t inbox_lanes = 4;          // the capacity is shared out between them
  Clock::duration digest_interval = std::chrono::milliseconds(50);
  std::function<Clock::time_point()> clock;  // empty: steady_clock::now (tests pin it)
};

struct ViewStats {
  StoreStats store;
  std::uint64_t spans_received = 0;
  std::uint64_t spans_dropped = 0;  // the inbox was full
  std::uint64_t log_lines_received = 0;
  std::uint64_t log_lines_dropped = 0;
};

class TraceView final : public logs::TraceLineListener {
 public:
  explicit TraceView(TraceViewOptions options);
  ~TraceView() override;
  TraceView(const TraceView&) = delete;
  TraceView& operator=(const TraceView&) = delete;

  // From the tracer (through TraceViewProcessor) and the logger.
  void on_span(FinishedSpan span) noexcept;
  void on_trace_line(const SpanContext& span, std::string json_line) noexcept override;

  // Moves the inbox into the store and settles it now (readers call it; so can tests).
  void digest();
  // Stops the background thread after a last digest. Idempotent.
  void stop();

  std::vector<TraceSummary> list(const TraceFilter& filter);
  // A copy of one trace, if it is shown.
  std::optional<Trace> find(const TraceId& trace_id);
  ViewStats stats();
  const StoreLimits& limits() const noexcept { return limits_; }

 private:
  struct PendingLine {
    TraceId trace_id;
    SpanId span_id;
    std::string json;
  };
  Clock::time_point now() const { return clock_ ? clock_() : Clock::now(); }
  void run();

  const StoreLimits limits_;
  const std::size_t inbox_capacity_;
  const Clock::duration digest_interval_;
  const std::function<Clock::time_point()> clock_;

  // The inbox: the only state the request threads touch. A thread keeps to its lane.
  struct alignas(64) Lane {  // its own cache lines: no false sharing between lanes
    std::mutex mutex;
    std::vector<FinishedSpan> spans;
    std::vector<PendingLine> lines;
    ViewStats intake;  // received and dropped counters (store part unused)
  };
  Lane& my_lane() noexcept;
  std::vector<Lane> lanes_;
  std::size_t lane_capacity_;

  // The store: the background thread and readers, one at a time.
  std::mutex store_mutex_;
  TraceStore store_;
  std::vector<FinishedSpan> digesting_;  // reused buffers
  std::vector<PendingLine> digesting_lines_;

  std::mutex run_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

// The tracer's side: forwards every span to a TraceView it shares with the logger,
// and asks the tracer to record the spans the sampler leaves out.
class TraceViewProcessor final : public SpanProcessor {
 public:
  explicit TraceViewProcessor(std::shared_ptr<TraceView> view) : view_(std::move(view)) {}
  void on_end(FinishedSpan span) noexcept override { view_->on_span(std::move(span)); }
  bool wants_unsampled_spans() const noexcept override { return true; }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override;
  bool shutdown(std::chrono::steady_clock::time_point) noexcept override;

 private:
  std::shared_ptr<TraceView> view_;
};

}  // namespace telemetry::trace_view
