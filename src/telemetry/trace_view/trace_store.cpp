#include "telemetry/trace_view/trace_store.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

#include "telemetry/trace_view/span_codec.hpp"

namespace telemetry::trace_view {

namespace {

// How many evicted or ignored trace ids are remembered to turn away their late spans.
constexpr std::size_t kForgottenCapacity = 4096;

bool is_local_root(const SpanData& span) noexcept {
  return !span.parent_span_id.valid() || span.parent_is_remote;
}

std::string_view route_of(const SpanData& span) noexcept {
  for (const auto& attribute : span.attributes) {
    if (attribute.key == "http.route") {
      if (const auto* text = std::get_if<std::string>(&attribute.value)) return *text;
    }
  }
  return {};
}

bool has_attribute(const SpanData& span, std::string_view key, std::string_view value) {
  for (const auto& attribute : span.attributes) {
    if (attribute.key != key) continue;
    const bool equal = std::visit(
        [&](const auto& v) -> bool {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            return v == value;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return std::to_string(v) == value;
          } else if constexpr (std::is_same_v<T, bool>) {
            return value == (v ? "true" : "false");
          } else {
            return false;
          }
        },
        attribute.value);
    if (equal) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(Keep keep) noexcept {
  switch (keep) {
    case Keep::pending:
      return "pending";
    case Keep::ordinary:
      return "ordinary";
    case Keep::slow:
      return "slow";
    case Keep::error:
      return "error";
  }
  return "ordinary";
}

std::size_t TraceStore::IdHash::operator()(const TraceId& id) const noexcept {
  // Trace ids are random (or hashed by whoever made them): eight of their bytes will do.
  std::size_t value;
  std::memcpy(&value, id.bytes.data() + 8, sizeof value);
  return value;
}

TraceStore::TraceStore(StoreLimits limits)
    : limits_(std::move(limits)), forgotten_(kForgottenCapacity) {
  counters_.max_bytes = limits_.max_bytes;
  counters_.max_traces = limits_.max_traces;
}

TraceStore::Stored* TraceStore::trace_for(const TraceId& trace_id, Clock::time_point now,
                                          bool may_create) {
  auto found = traces_.find(trace_id);
  if (found != traces_.end()) return &found->second;
  if (!may_create) return nullptr;
  Stored& trace = traces_[trace_id];
  trace.trace_id = trace_id;
  trace.first_seen = now;
  trace.order = next_order_++;
  pending_.emplace(trace.order, trace_id);
  // The map node and the eviction-order node with their bookkeeping.
  account(trace, static_cast<std::ptrdiff_t>(sizeof(Stored) + 128));
  return &trace;
}

void TraceStore::account(Stored& trace, std::ptrdiff_t delta) noexcept {
  trace.bytes += static_cast<std::size_t>(delta);
  bytes_ += static_cast<std::size_t>(delta);
}

bool TraceStore::ignored(const SpanData& root) const {
  for (const auto& prefix : limits_.ignored_root_prefixes) {
    if (std::string_view(root.name).starts_with(prefix)) return true;
  }
  return false;
}

void TraceStore::add_span(const SpanData& span, Clock::time_point now) {
  const TraceId& trace_id = span.context.trace_id;
  if (forgotten_index_.contains(trace_id)) {
    ++counters_.late_spans_dropped;
    return;
  }
  const bool root = is_local_root(span);
  if (root && ignored(span)) {
    ++counters_.ignored_traces;
    remove(trace_id);
    forget_later(trace_id);
    return;
  }
  Stored& trace = *trace_for(trace_id, now, true);
  const std::size_t capacity = trace.spans.capacity();
  append_span(trace.spans, span);
  account(trace, static_cast<std::ptrdiff_t>(trace.spans.capacity() - capacity));
  trace.last_seen = now;
  trace.start = trace.span_count == 0 ? span.start_time : std::min(trace.start, span.start_time);
  trace.end = std::max(trace.end, span.end_time);
  ++trace.span_count;
  if (span.status == StatusCode::error) trace.has_error = true;
  ++counters_.spans_stored;
  if (root) {
    if (!trace.root_ended || span.start_time < trace.root_start) {
      const std::size_t before = trace.root_name.capacity() + trace.route.capacity();
      trace.root_name = span.name;
      trace.route = route_of(span);
      trace.root_start = span.start_time;
      account(trace, static_cast<std::ptrdiff_t>(trace.root_name.capacity() +
                                                 trace.route.capacity() - before));
    }
    trace.root_ended = true;
    if (span.end_time >= span.start_time &&
        std::chrono::nanoseconds(span.end_time - span.start_time) >= limits_.slow) {
      trace.slow_root = true;
    }
  }
  if (trace.keep != Keep::pending) reclassify(trace);
  evict_to_bounds();
}

void TraceStore::add_log(const TraceId& trace_id, const SpanId& span_id, std::string json_line,
                         Clock::time_point now) {
  if (forgotten_index_.contains(trace_id)) return;
  Stored& trace = *trace_for(trace_id, now, true);
  if (trace.logs.size() >= limits_.max_log_lines_per_trace) {
    ++trace.dropped_logs;
    return;
  }
  account(trace, static_cast<std::ptrdiff_t>(sizeof(LogLine) + json_line.capacity()));
  trace.logs.push_back(LogLine{span_id, std::move(json_line)});
  ++counters_.log_lines_stored;
  evict_to_bounds();
}

void TraceStore::settle(Clock::time_point now) {
  std::vector<TraceId> ready, orphans;
  for (const auto& [order, id] : pending_) {
    const Stored& trace = traces_.at(id);
    if (trace.root_ended) {
      if (now - trace.last_seen >= limits_.settle) ready.push_back(id);
    } else if (now - trace.first_seen >= limits_.orphan_timeout) {
      orphans.push_back(id);
    }
  }
  for (const auto& id : ready) decide(traces_.at(id));
  for (const auto& id : orphans) {
    const Stored& trace = traces_.at(id);
    counters_.orphans_dropped += trace.span_count + trace.logs.size();
    remove(id);
    forget_later(id);
  }
  evict_to_bounds();
}

void TraceStore::decide(Stored& trace) {
  pending_.erase(trace.order);
  // Most traces get no more spans: give back what the buffer grew beyond them.
  const std::size_t capacity = trace.spans.capacity();
  trace.spans.shrink_to_fit();
  account(trace, static_cast<std::ptrdiff_t>(trace.spans.capacity()) -
                     static_cast<std::ptrdiff_t>(capacity));
  trace.keep = Keep::ordinary;
  reclassify(trace);
  if (trace.keep == Keep::ordinary) ordinary_.emplace(trace.order, trace.trace_id);
}

// Error beats slow beats ordinary; a decided trace only ever moves up.
void TraceStore::reclassify(Stored& trace) {
  Keep keep = Keep::ordinary;
  if (trace.has_error) {
    keep = Keep::error;
  } else if (trace.slow_root) {
    keep = Keep::slow;
  }
  if (keep <= trace.keep) return;
  if (trace.keep == Keep::ordinary) ordinary_.erase(trace.order);
  if (trace.keep == Keep::ordinary || trace.keep == Keep::pending) {
    kept_.emplace(trace.order, trace.trace_id);
  }
  trace.keep = keep;
}

void TraceStore::remove(const TraceId& trace_id) {
  auto found = traces_.find(trace_id);
  if (found == traces_.end()) return;
  const Stored& trace = found->second;
  bytes_ -= trace.bytes;
  if (trace.keep == Keep::pending) pending_.erase(trace.order);
  if (trace.keep == Keep::ordinary) ordinary_.erase(trace.order);
  if (trace.keep == Keep::slow || trace.keep == Keep::error) kept_.erase(trace.order);
  traces_.erase(found);
}

void TraceStore::forget_later(const TraceId& trace_id) {
  TraceId& slot = forgotten_[forgotten_next_];
  if (slot.valid()) forgotten_index_.erase(slot);
  slot = trace_id;
  forgotten_index_[trace_id] = forgotten_next_;
  forgotten_next_ = (forgotten_next_ + 1) % forgotten_.size();
}

void TraceStore::evict_to_bounds() {
  while (!traces_.empty() && (bytes_ > limits_.max_bytes || traces_.size() > limits_.max_traces)) {
    TraceId victim;
    if (!ordinary_.empty()) {
      victim = ordinary_.begin()->second;
    } else if (!pending_.empty()) {
      victim = pending_.begin()->second;
    } else {
      victim = kept_.begin()->second;
      ++counters_.kept_traces_evicted;
    }
    ++counters_.traces_evicted;
    remove(victim);
    forget_later(victim);
  }
}

namespace {

// Every span of a stored trace, decoded, to `visit` until it returns true.
template <typename Visit>
bool any_span(std::string_view bytes, Visit visit) {
  while (!bytes.empty()) {
    const std::optional<SpanData> span = read_span(bytes);
    if (!span) return false;
    if (visit(*span)) return true;
  }
  return false;
}

}  // namespace

std::optional<Trace> TraceStore::find(const TraceId& trace_id) const {
  auto found = traces_.find(trace_id);
  if (found == traces_.end() || found->second.keep == Keep::pending) return std::nullopt;
  const Stored& stored = found->second;
  Trace trace;
  trace.trace_id = stored.trace_id;
  trace.spans.reserve(stored.span_count);
  any_span(stored.spans, [&](const SpanData& span) {
    trace.spans.push_back(span);
    return false;
  });
  trace.logs = stored.logs;
  trace.dropped_logs = stored.dropped_logs;
  trace.keep = stored.keep;
  return trace;
}

std::vector<TraceSummary> TraceStore::list(const TraceFilter& filter) const {
  std::vector<const Stored*> decided;
  decided.reserve(ordinary_.size() + kept_.size());
  for (const auto& [order, id] : ordinary_) decided.push_back(&traces_.at(id));
  for (const auto& [order, id] : kept_) decided.push_back(&traces_.at(id));
  std::vector<TraceSummary> out;
  for (const Stored* trace : decided) {
    if (!trace->root_ended) continue;
    TraceSummary summary;
    summary.trace_id = trace->trace_id;
    summary.root_name = trace->root_name;
    summary.route = trace->route;
    summary.start_time = trace->start;
    summary.duration_ns = trace->end - trace->start;
    summary.error = trace->has_error;
    summary.keep = trace->keep;
    summary.span_count = trace->span_count;
    summary.log_count = trace->logs.size();

    if (filter.errors_only && !summary.error) continue;
    const auto duration = std::chrono::nanoseconds(summary.duration_ns);
    if (filter.min_duration && duration < *filter.min_duration) continue;
    if (filter.max_duration && duration > *filter.max_duration) continue;
    // The filters on span contents decode the trace's spans; the others never do.
    if (!filter.name.empty() && summary.route.find(filter.name) == std::string::npos &&
        !any_span(trace->spans, [&](const SpanData& span) {
          return span.name.find(filter.name) != std::string::npos;
        })) {
      continue;
    }
    if (!filter.attribute_key.empty() && !any_span(trace->spans, [&](const SpanData& span) {
          return has_attribute(span, filter.attribute_key, filter.attribute_value);
        })) {
      continue;
    }
    out.push_back(std::move(summary));
  }
  // Newest first by when the trace started (decisions come in batches, out of order).
  std::stable_sort(out.begin(), out.end(), [](const TraceSummary& a, const TraceSummary& b) {
    return a.start_time > b.start_time;
  });
  if (out.size() > filter.limit) out.resize(filter.limit);
  return out;
}

StoreStats TraceStore::stats() const {
  StoreStats stats = counters_;
  stats.traces = ordinary_.size() + kept_.size();
  stats.pending_traces = traces_.size() - stats.traces;
  stats.bytes = bytes_;
  return stats;
}

}  // namespace telemetry::trace_view
