#include "telemetry/trace_view/trace_view.hpp"

#include <algorithm>
#include <atomic>

namespace telemetry::trace_view {

TraceView::TraceView(TraceViewOptions options)
    : limits_(options.limits),
      inbox_capacity_(std::max<std::size_t>(options.inbox_capacity, 1)),
      digest_interval_(options.digest_interval),
      clock_(std::move(options.clock)),
      lanes_(std::clamp<std::size_t>(options.inbox_lanes, 1, inbox_capacity_)),
      lane_capacity_(inbox_capacity_ / lanes_.size()),
      store_(std::move(options.limits)) {
  // Reserved up front: pushing into the inbox never allocates on the request thread.
  for (Lane& lane : lanes_) {
    lane.spans.reserve(lane_capacity_);
    lane.lines.reserve(lane_capacity_);
  }
  digesting_.reserve(lane_capacity_);
  digesting_lines_.reserve(lane_capacity_);
  if (digest_interval_ > Clock::duration::zero()) worker_ = std::thread([this] { run(); });
}

TraceView::~TraceView() {
  stop();
}

TraceView::Lane& TraceView::my_lane() noexcept {
  // Threads take lanes in turn the first time they end a span; the index is shared by
  // every TraceView, which is fine: it only spreads threads out.
  static std::atomic<std::size_t> next_thread{0};
  thread_local const std::size_t thread_index = next_thread.fetch_add(1);
  return lanes_[thread_index % lanes_.size()];
}

void TraceView::on_span(FinishedSpan span) noexcept {
  Lane& lane = my_lane();
  std::lock_guard lock(lane.mutex);
  ++lane.intake.spans_received;
  if (lane.spans.size() >= lane_capacity_) {
    ++lane.intake.spans_dropped;
    return;  // the handle goes here, on the request thread, back to its pool
  }
  lane.spans.push_back(std::move(span));
  // Under a burst, wake the digest early rather than drop: one notify per half lane.
  if (lane.spans.size() == lane_capacity_ / 2) wake_.notify_one();
}

void TraceView::on_trace_line(const SpanContext& span, std::string json_line) noexcept {
  Lane& lane = my_lane();
  std::lock_guard lock(lane.mutex);
  ++lane.intake.log_lines_received;
  if (lane.lines.size() >= lane_capacity_) {
    ++lane.intake.log_lines_dropped;
    return;
  }
  lane.lines.push_back(PendingLine{span.trace_id, span.span_id, std::move(json_line)});
}

void TraceView::digest() {
  std::lock_guard store_lock(store_mutex_);
  const Clock::time_point at = now();
  for (Lane& lane : lanes_) {
    {
      std::lock_guard lock(lane.mutex);
      digesting_.swap(lane.spans);
      digesting_lines_.swap(lane.lines);
    }
    // Lines first: a request logs before its span ends, so its trace already exists.
    for (auto& line : digesting_lines_) {
      store_.add_log(line.trace_id, line.span_id, std::move(line.json), at);
    }
    digesting_lines_.clear();
    for (auto& span : digesting_) {
      try {
        store_.add_span(*span, at);
      } catch (const std::bad_alloc&) {
        // Lose the span, not the process.
      }
      span.reset();  // the record goes back to the pool now, not when the trace goes
    }
    digesting_.clear();
  }
  store_.settle(at);
}

void TraceView::run() {
  std::unique_lock lock(run_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, digest_interval_);
    if (stopping_) break;
    lock.unlock();
    digest();
    lock.lock();
  }
}

void TraceView::stop() {
  {
    std::lock_guard lock(run_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  digest();
}

std::vector<TraceSummary> TraceView::list(const TraceFilter& filter) {
  digest();
  std::lock_guard lock(store_mutex_);
  return store_.list(filter);
}

std::optional<Trace> TraceView::find(const TraceId& trace_id) {
  digest();
  std::lock_guard lock(store_mutex_);
  return store_.find(trace_id);
}

ViewStats TraceView::stats() {
  ViewStats out;
  for (Lane& lane : lanes_) {
    std::lock_guard lock(lane.mutex);
    out.spans_received += lane.intake.spans_received;
    out.spans_dropped += lane.intake.spans_dropped;
    out.log_lines_received += lane.intake.log_lines_received;
    out.log_lines_dropped += lane.intake.log_lines_dropped;
  }
  std::lock_guard lock(store_mutex_);
  out.store = store_.stats();
  return out;
}

bool TraceViewProcessor::force_flush(std::chrono::steady_clock::time_point) noexcept {
  try {
    view_->digest();
  } catch (...) {
    return false;
  }
  return true;
}

bool TraceViewProcessor::shutdown(std::chrono::steady_clock::time_point) noexcept {
  // The view outlives the tracer (the pages read it until the server stops); only the
  // spans still in the inbox are taken in.
  return force_flush({});
}

}  // namespace telemetry::trace_view
