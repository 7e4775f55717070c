#pragma once
// The recent traces the built-in trace view shows, kept in memory within a byte and a
// trace-count bound. Not thread-safe by itself: TraceView (trace_view.hpp) feeds it
// from one thread and guards it with a mutex. Plain data in, plain data out, with the
// clock passed in, so that its rules can be tested one step at a time. A trace's spans
// are kept encoded one after the other in one buffer (span_codec.hpp, ADR 017) and
// decoded when the trace is read; the byte bound counts that buffer's capacity.
//
// The rules:
//   - A trace is assembled from its spans in whatever order they end: children before
//     their root, and children that end after it (they join the trace when they come).
//   - A trace is shown once one of its local roots has ended (a span with no parent,
//     or whose parent is remote) and no span of it has arrived for `settle`: the
//     decision "kept" or "ordinary" waits for the root and its children.
//   - Kept traces had an error (a span with status ERROR) or a local root at least as
//     slow as `slow`. When the store is over its bounds, the oldest ordinary trace goes
//     first, then the oldest still waiting for its root; kept traces go only when no
//     other trace is left.
//   - Spans and log lines of a trace whose root never ends are dropped after
//     `orphan_timeout`; a span that comes after its trace was evicted is dropped too:
//     no trace is ever shown without its root.
//   - Traces whose local root's name starts with one of `ignored_root_prefixes` (the
//     view's own requests) are dropped whole.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "telemetry/trace/span_data.hpp"

namespace telemetry::trace_view {

using Clock = std::chrono::steady_clock;

struct StoreLimits {
  std::size_t max_bytes = 64 * 1024 * 1024;
  std::size_t max_traces = 10'000;
  std::size_t max_log_lines_per_trace = 2'000;
  std::chrono::nanoseconds slow = std::chrono::milliseconds(500);
  Clock::duration settle = std::chrono::milliseconds(200);
  Clock::duration orphan_timeout = std::chrono::seconds(60);
  std::vector<std::string> ignored_root_prefixes;
};

enum class Keep { pending, ordinary, slow, error };
std::string_view to_string(Keep keep) noexcept;

// One log line emitted inside the trace: the logger's JSON line (already redacted).
struct LogLine {
  SpanId span_id;
  std::string json;
};

// A trace as the view shows it (decoded from the store on request).
struct Trace {
  TraceId trace_id;
  std::vector<SpanData> spans;  // in arrival order
  std::vector<LogLine> logs;    // in arrival order
  std::size_t dropped_logs = 0;
  Keep keep = Keep::pending;
};

// What the list shows of a trace.
struct TraceSummary {
  TraceId trace_id;
  std::string root_name;
  std::string route;  // the root's http.route, when it has one
  UnixNanos start_time = 0;
  UnixNanos duration_ns = 0;
  bool error = false;
  Keep keep = Keep::ordinary;
  std::size_t span_count = 0;
  std::size_t log_count = 0;
};

struct TraceFilter {
  std::string name;  // part of any span's name or the root's route
  std::optional<std::chrono::nanoseconds> min_duration;
  std::optional<std::chrono::nanoseconds> max_duration;
  bool errors_only = false;
  std::string attribute_key;  // with attribute_value: some span has key=value
  std::string attribute_value;
  std::size_t limit = 200;
};

struct StoreStats {
  std::size_t traces = 0;  // shown (decided)
  std::size_t pending_traces = 0;
  std::size_t bytes = 0;
  std::size_t max_bytes = 0;
  std::size_t max_traces = 0;
  std::uint64_t spans_stored = 0;
  std::uint64_t log_lines_stored = 0;
  std::uint64_t traces_evicted = 0;
  std::uint64_t kept_traces_evicted = 0;  // error or slow traces that had to go
  std::uint64_t orphans_dropped = 0;      // spans/lines whose trace never had a root
  std::uint64_t late_spans_dropped = 0;   // spans of traces already evicted
  std::uint64_t ignored_traces = 0;       // the view's own requests
};

class TraceStore {
 public:
  explicit TraceStore(StoreLimits limits);

  void add_span(const SpanData& span, Clock::time_point now);
  void add_log(const TraceId& trace_id, const SpanId& span_id, std::string json_line,
               Clock::time_point now);
  // Decides the traces that have settled, drops orphans, and evicts to the bounds.
  void settle(Clock::time_point now);

  // Decided traces, newest first, that match `filter`.
  std::vector<TraceSummary> list(const TraceFilter& filter) const;
  // A decided trace, its spans decoded.
  std::optional<Trace> find(const TraceId& trace_id) const;
  StoreStats stats() const;
  const StoreLimits& limits() const noexcept { return limits_; }

 private:
  struct IdHash {
    std::size_t operator()(const TraceId& id) const noexcept;
  };
  // A trace as it is kept: its spans encoded one after the other in one buffer
  // (span_codec.hpp), and what the list and the keep decision need, kept up to date
  // as spans arrive so that neither has to decode them.
  struct Stored {
    TraceId trace_id;
    std::string spans;
    std::size_t span_count = 0;
    std::vector<LogLine> logs;
    std::size_t dropped_logs = 0;
    Keep keep = Keep::pending;
    bool root_ended = false;
    bool has_error = false;
    bool slow_root = false;  // a local root at least limits.slow
    std::string root_name;   // of the earliest local root
    std::string route;       // its http.route
    UnixNanos root_start = 0;
    UnixNanos start = 0;  // over all spans
    UnixNanos end = 0;
    std::size_t bytes = 0;
    Clock::time_point first_seen{};
    Clock::time_point last_seen{};
    std::uint64_t order = 0;  // position in the eviction order (first seen first)
  };

  Stored* trace_for(const TraceId& trace_id, Clock::time_point now, bool may_create);
  void decide(Stored& trace);
  void reclassify(Stored& trace);
  void remove(const TraceId& trace_id);
  void forget_later(const TraceId& trace_id);
  void evict_to_bounds();
  bool ignored(const SpanData& root) const;
  // Keeps trace.bytes and the store's total in step with a change of `delta` bytes.
  void account(Stored& trace, std::ptrdiff_t delta) noexcept;

  StoreLimits limits_;
  std::unordered_map<TraceId, Stored, IdHash> traces_;
  // Eviction order, oldest first: ordinary, then still pending, then kept traces.
  std::map<std::uint64_t, TraceId> ordinary_;
  std::map<std::uint64_t, TraceId> pending_;
  std::map<std::uint64_t, TraceId> kept_;
  std::uint64_t next_order_ = 1;
  // Recently evicted or ignored traces: a late span of theirs is dropped, not
  // turned into a trace without a root. Bounded ring.
  std::vector<TraceId> forgotten_;
  std::size_t forgotten_next_ = 0;
  std::unordered_map<TraceId, std::size_t, IdHash> forgotten_index_;
  std::size_t bytes_ = 0;
  StoreStats counters_;
};

}  // namespace telemetry::trace_view
