// The trace view's store: assembly in any order, tail keep, bounds, and no trace
// without its root.
#include "telemetry/trace_view/trace_store.hpp"

#include <gtest/gtest.h>

namespace telemetry::trace_view {
namespace {

using namespace std::chrono_literals;

TraceId trace_id(std::uint8_t n) {
  TraceId id;
  id.bytes[0] = 0xab;
  id.bytes[15] = n;
  id.bytes[8] = n;
  return id;
}

SpanId span_id(std::uint8_t n) {
  SpanId id;
  id.bytes[7] = n;
  return id;
}

// A span of trace `t`, id `s`, child of `parent` (0: a root), lasting `millis`.
SpanData span(std::uint8_t t, std::uint8_t s, std::uint8_t parent, std::int64_t millis,
              StatusCode status = StatusCode::unset) {
  SpanData data;
  data.context.trace_id = trace_id(t);
  data.context.span_id = span_id(s);
  if (parent != 0) data.parent_span_id = span_id(parent);
  data.name = parent == 0 ? "GET /api/boards/{id}" : "db.query";
  data.start_time = 1'000'000'000;
  data.end_time = data.start_time + static_cast<UnixNanos>(millis) * 1'000'000;
  data.status = status;
  data.attributes.push_back({"http.route", std::string("/api/boards/{id}")});
  return data;
}

StoreLimits limits() {
  StoreLimits l;
  l.settle = 100ms;
  l.slow = 500ms;
  return l;
}

const Clock::time_point t0 = Clock::time_point(1h);

TEST(TraceStore, ChildrenBeforeTheirRootAssembleIntoOneTrace) {
  TraceStore store(limits());
  store.add_span(span(1, 3, 2, 1), t0);
  store.add_span(span(1, 2, 1, 2), t0);
  store.settle(t0 + 1s);
  EXPECT_EQ(store.list({}).size(), 0u) << "no root yet: nothing is shown";
  store.add_span(span(1, 1, 0, 5), t0 + 1s);
  store.settle(t0 + 2s);
  const auto traces = store.list({});
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].span_count, 3u);
  EXPECT_EQ(traces[0].root_name, "GET /api/boards/{id}");
}

TEST(TraceStore, TheDecisionWaitsUntilSpansStopArriving) {
  TraceStore store(limits());
  store.add_span(span(1, 1, 0, 5), t0);
  store.settle(t0 + 50ms);
  EXPECT_FALSE(store.find(trace_id(1))) << "shown before the settle time";
  store.settle(t0 + 100ms);
  EXPECT_TRUE(store.find(trace_id(1)));
}

TEST(TraceStore, AChildEndingAfterTheDecisionJoinsItsTrace) {
  TraceStore store(limits());
  store.add_span(span(1, 1, 0, 5), t0);
  store.settle(t0 + 1s);
  store.add_span(span(1, 2, 1, 9, StatusCode::error), t0 + 2s);
  store.settle(t0 + 3s);
  const auto traces = store.list({});
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].span_count, 2u);
  EXPECT_TRUE(traces[0].error);
  EXPECT_EQ(traces[0].keep, Keep::error) << "a late error upgrades the trace";
}

TEST(TraceStore, SpansWhoseRootNeverEndsNeverMakeATrace) {
  TraceStore store(limits());
  store.add_span(span(1, 2, 1, 1), t0);
  store.add_log(trace_id(1), span_id(2), "{}\n", t0);
  store.settle(t0 + 61s);
  EXPECT_TRUE(store.list({}).empty());
  EXPECT_EQ(store.stats().orphans_dropped, 2u);
  EXPECT_EQ(store.stats().pending_traces, 0u);
  // Its root turning up later does not bring the dropped children back as a trace.
  store.add_span(span(1, 1, 0, 1), t0 + 62s);
  store.settle(t0 + 63s);
  EXPECT_TRUE(store.list({}).empty());
}

TEST(TraceStore, ALateSpanOfAnEvictedTraceIsDropped) {
  StoreLimits l = limits();
  l.max_traces = 1;
  TraceStore store(l);
  store.add_span(span(1, 1, 0, 1), t0);
  store.settle(t0 + 1s);
  store.add_span(span(2, 1, 0, 1), t0 + 1s);
  store.settle(t0 + 2s);
  ASSERT_EQ(store.list({}).size(), 1u);
  EXPECT_EQ(store.list({})[0].trace_id, trace_id(2));
  store.add_span(span(1, 2, 1, 1), t0 + 3s);
  store.settle(t0 + 200s);
  EXPECT_EQ(store.list({}).size(), 1u);
  EXPECT_EQ(store.stats().late_spans_dropped, 1u);
}

TEST(TraceStore, ErrorAndSlowTracesOutliveOrdinaryOnes) {
  StoreLimits l = limits();
  l.max_traces = 3;
  TraceStore store(l);
  Clock::time_point now = t0;
  store.add_span(span(1, 1, 0, 1, StatusCode::error), now);
  store.add_span(span(2, 1, 0, 800), now);  // slower than 500 ms
  store.settle(now += 1s);
  for (std::uint8_t t = 10; t < 40; ++t) {
    SpanData later = span(t, 1, 0, 3);
    later.start_time += t * 1'000'000'000ULL;
    later.end_time += t * 1'000'000'000ULL;
    store.add_span(std::move(later), now);
    store.settle(now += 1s);
  }
  const auto traces = store.list({});
  ASSERT_EQ(traces.size(), 3u);
  std::vector<TraceId> ids;
  for (const auto& trace : traces) ids.push_back(trace.trace_id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), trace_id(1)), ids.end()) << "the error trace";
  EXPECT_NE(std::find(ids.begin(), ids.end(), trace_id(2)), ids.end()) << "the slow trace";
  EXPECT_EQ(ids[0], trace_id(39)) << "newest first";
  EXPECT_EQ(store.find(trace_id(1))->keep, Keep::error);
  EXPECT_EQ(store.find(trace_id(2))->keep, Keep::slow);
  EXPECT_EQ(store.stats().kept_traces_evicted, 0u);
}

TEST(TraceStore, TheByteBoundHolds) {
  StoreLimits l = limits();
  l.max_bytes = 64 * 1024;
  TraceStore store(l);
  Clock::time_point now = t0;
  for (int t = 0; t < 2000; ++t) {
    SpanData root = span(static_cast<std::uint8_t>(t), 1, 0, 1);
    root.context.trace_id.bytes[1] = static_cast<std::uint8_t>(t >> 8);
    root.attributes.push_back({"payload", std::string(500, 'x')});
    store.add_span(std::move(root), now);
    store.settle(now += 1s);
    ASSERT_LE(store.stats().bytes, l.max_bytes);
  }
  EXPECT_GT(store.stats().traces, 10u);
  EXPECT_GT(store.stats().traces_evicted, 1000u);
}

TEST(TraceStore, TheViewsOwnRequestsAreLeftOut) {
  StoreLimits l = limits();
  l.ignored_root_prefixes = {"GET /debug/api/"};
  TraceStore store(l);
  SpanData own = span(1, 1, 0, 1);
  own.name = "GET /debug/api/traces";
  store.add_log(trace_id(1), span_id(1), "{}\n", t0);
  store.add_span(own, t0);
  store.add_span(span(2, 1, 0, 1), t0);
  store.settle(t0 + 1s);
  const auto traces = store.list({});
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].trace_id, trace_id(2));
  EXPECT_EQ(store.stats().pending_traces, 0u);
}

TEST(TraceStore, FiltersByNameDurationErrorsAndAttribute) {
  TraceStore store(limits());
  store.add_span(span(1, 1, 0, 5), t0);
  store.add_span(span(2, 1, 0, 50, StatusCode::error), t0);
  SpanData other = span(3, 1, 0, 700);
  other.name = "GET /health";
  other.attributes = {{"http.response.status_code", std::int64_t{204}}};
  store.add_span(other, t0);
  store.settle(t0 + 1s);
  auto count = [&](auto set) {
    TraceFilter filter;
    set(filter);
    return store.list(filter).size();
  };
  EXPECT_EQ(count([](TraceFilter&) {}), 3u);
  EXPECT_EQ(count([](TraceFilter& f) { f.name = "/health"; }), 1u);
  EXPECT_EQ(count([](TraceFilter& f) { f.name = "boards"; }), 2u);
  EXPECT_EQ(count([](TraceFilter& f) { f.min_duration = 40ms; }), 2u);
  EXPECT_EQ(count([](TraceFilter& f) { f.max_duration = 10ms; }), 1u);
  EXPECT_EQ(count([](TraceFilter& f) { f.errors_only = true; }), 1u);
  EXPECT_EQ(count([](TraceFilter& f) {
              f.attribute_key = "http.response.status_code";
              f.attribute_value = "204";
            }),
            1u);
  EXPECT_EQ(count([](TraceFilter& f) {
              f.attribute_key = "http.response.status_code";
              f.attribute_value = "200";
            }),
            0u);
}

}  // namespace
}  // namespace telemetry::trace_view
