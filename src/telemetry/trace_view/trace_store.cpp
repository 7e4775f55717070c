#include "telemetry/trace_view/trace_store.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

namespace telemetry::trace_view {

namespace {

// How many evicted or ignored trace ids are remembered to turn away their late spans.
constexpr std::size_t kForgottenCapacity = 4096;

bool is_local_root(const SpanData& span) noexcept {
  return !span.parent_span_id.valid() || span.parent_is_remote;
}

std::size_t value_bytes(const AttributeValue& value) noexcept {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return v.capacity();
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::size_t total = v.capacity() * sizeof(std::string);
          for (const auto& s : v) total += s.capacity();
          return total;
        } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
          return v.capacity() / 8 + 1;
        } else if constexpr (requires { v.capacity(); }) {
          return v.capacity() * sizeof(typename T::value_type);
        } else {
          return 0;
        }
      },
      value);
}

std::size_t attributes_bytes(const Attributes& attributes) noexcept {
  std::size_t total = attributes.capacity() * sizeof(Attribute);
  for (const auto& attribute : attributes) {
    total += attribute.key.capacity() + value_bytes(attribute.value);
  }
  return total;
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

// The trace's first local root (the one the list names the trace after).
const SpanData* root_of(const Trace& trace) noexcept {
  const SpanData* root = nullptr;
  for (const auto& span : trace.spans) {
    if (is_local_root(span) && (root == nullptr || span.start_time < root->start_time)) {
      root = &span;
    }
  }
  return root;
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

std::size_t span_bytes(const SpanData& span) noexcept {
  std::size_t total = sizeof(SpanData) + span.name.capacity() +
                      span.context.trace_state.capacity() + span.status_message.capacity() +
                      attributes_bytes(span.attributes);
  total += span.events.capacity() * sizeof(SpanEvent);
  for (const auto& event : span.events) {
    total += event.name.capacity() + attributes_bytes(event.attributes);
  }
  total += span.links.capacity() * sizeof(SpanLink);
  for (const auto& link : span.links) {
    total += link.context.trace_state.capacity() + attributes_bytes(link.attributes);
  }
  return total;
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

Trace* TraceStore::trace_for(const TraceId& trace_id, Clock::time_point now, bool may_create) {
  auto found = traces_.find(trace_id);
  if (found != traces_.end()) return &found->second;
  if (!may_create) return nullptr;
  Trace& trace = traces_[trace_id];
  trace.trace_id = trace_id;
  trace.first_seen = now;
  trace.order = next_order_++;
  pending_.emplace(trace.order, trace_id);
  trace.bytes = sizeof(Trace) + 64;  // the map node and its bookkeeping
  bytes_ += trace.bytes;
  return &trace;
}

bool TraceStore::ignored(const Trace& trace) const {
  for (const auto& span : trace.spans) {
    if (!is_local_root(span)) continue;
    for (const auto& prefix : limits_.ignored_root_prefixes) {
      if (std::string_view(span.name).starts_with(prefix)) return true;
    }
  }
  return false;
}

void TraceStore::add_span(SpanData span, Clock::time_point now) {
  const TraceId trace_id = span.context.trace_id;
  if (forgotten_index_.contains(trace_id)) {
    ++counters_.late_spans_dropped;
    return;
  }
  Trace& trace = *trace_for(trace_id, now, true);
  const std::size_t size = span_bytes(span);
  trace.bytes += size;
  bytes_ += size;
  trace.last_seen = now;
  if (span.status == StatusCode::error) trace.has_error = true;
  const bool root = is_local_root(span);
  trace.spans.push_back(std::move(span));
  ++counters_.spans_stored;
  if (root) {
    trace.root_ended = true;
    if (ignored(trace)) {
      ++counters_.ignored_traces;
      remove(trace_id);
      forget_later(trace_id);
      return;
    }
  }
  if (trace.keep != Keep::pending) reclassify(trace);
  evict_to_bounds();
}

void TraceStore::add_log(const TraceId& trace_id, const SpanId& span_id, std::string json_line,
                         Clock::time_point now) {
  if (forgotten_index_.contains(trace_id)) return;
  Trace& trace = *trace_for(trace_id, now, true);
  if (trace.logs.size() >= limits_.max_log_lines_per_trace) {
    ++trace.dropped_logs;
    return;
  }
  const std::size_t size = sizeof(LogLine) + json_line.capacity();
  trace.bytes += size;
  bytes_ += size;
  trace.logs.push_back(LogLine{span_id, std::move(json_line)});
  ++counters_.log_lines_stored;
  evict_to_bounds();
}

void TraceStore::settle(Clock::time_point now) {
  std::vector<TraceId> ready, orphans;
  for (const auto& [order, id] : pending_) {
    const Trace& trace = traces_.at(id);
    if (trace.root_ended) {
      if (now - trace.last_seen >= limits_.settle) ready.push_back(id);
    } else if (now - trace.first_seen >= limits_.orphan_timeout) {
      orphans.push_back(id);
    }
  }
  for (const auto& id : ready) decide(traces_.at(id));
  for (const auto& id : orphans) {
    const Trace& trace = traces_.at(id);
    counters_.orphans_dropped += trace.spans.size() + trace.logs.size();
    remove(id);
    forget_later(id);
  }
  evict_to_bounds();
}

void TraceStore::decide(Trace& trace) {
  pending_.erase(trace.order);
  trace.keep = Keep::ordinary;
  reclassify(trace);
  if (trace.keep == Keep::ordinary) ordinary_.emplace(trace.order, trace.trace_id);
}

// Error beats slow beats ordinary; a decided trace only ever moves up.
void TraceStore::reclassify(Trace& trace) {
  Keep keep = Keep::ordinary;
  if (trace.has_error) {
    keep = Keep::error;
  } else {
    for (const auto& span : trace.spans) {
      if (is_local_root(span) && span.end_time >= span.start_time &&
          std::chrono::nanoseconds(span.end_time - span.start_time) >= limits_.slow) {
        keep = Keep::slow;
      }
    }
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
  const Trace& trace = found->second;
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

const Trace* TraceStore::find(const TraceId& trace_id) const {
  auto found = traces_.find(trace_id);
  if (found == traces_.end() || found->second.keep == Keep::pending) return nullptr;
  return &found->second;
}

std::vector<TraceSummary> TraceStore::list(const TraceFilter& filter) const {
  std::vector<const Trace*> decided;
  decided.reserve(ordinary_.size() + kept_.size());
  for (const auto& [order, id] : ordinary_) decided.push_back(&traces_.at(id));
  for (const auto& [order, id] : kept_) decided.push_back(&traces_.at(id));
  std::vector<TraceSummary> out;
  for (const Trace* trace : decided) {
    const SpanData* root = root_of(*trace);
    if (root == nullptr) continue;
    TraceSummary summary;
    summary.trace_id = trace->trace_id;
    summary.root_name = root->name;
    summary.route = std::string(route_of(*root));
    UnixNanos start = root->start_time, end = root->end_time;
    for (const auto& span : trace->spans) {
      start = std::min(start, span.start_time);
      end = std::max(end, span.end_time);
    }
    summary.start_time = start;
    summary.duration_ns = end - start;
    summary.error = trace->has_error;
    summary.keep = trace->keep;
    summary.span_count = trace->spans.size();
    summary.log_count = trace->logs.size();

    if (filter.errors_only && !summary.error) continue;
    const auto duration = std::chrono::nanoseconds(summary.duration_ns);
    if (filter.min_duration && duration < *filter.min_duration) continue;
    if (filter.max_duration && duration > *filter.max_duration) continue;
    if (!filter.name.empty() && summary.route.find(filter.name) == std::string::npos &&
        std::none_of(trace->spans.begin(), trace->spans.end(), [&](const SpanData& span) {
          return span.name.find(filter.name) != std::string::npos;
        })) {
      continue;
    }
    if (!filter.attribute_key.empty() &&
        std::none_of(trace->spans.begin(), trace->spans.end(), [&](const SpanData& span) {
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
