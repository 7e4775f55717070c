// The trace view fed by a real tracer and logger: unsampled spans recorded, bounds
// under concurrent writers, and log lines kept with their trace, redacted.
#include "telemetry/trace_view/trace_view.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "telemetry/logs/async_logger.hpp"
#include "telemetry/trace/tracer.hpp"
#include "telemetry/trace_view/api_json.hpp"

namespace telemetry::trace_view {
namespace {

using namespace std::chrono_literals;

TraceViewOptions quick_options() {
  TraceViewOptions options;
  options.limits.settle = 0ms;
  options.digest_interval = 1ms;
  return options;
}

std::unique_ptr<TracerProvider> provider_for(std::shared_ptr<TraceView> view,
                                             std::unique_ptr<Sampler> sampler) {
  TracingConfig config;
  config.enabled = true;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  processors.push_back(std::make_unique<TraceViewProcessor>(std::move(view)));
  return TracerProvider::create(std::move(config), Resource{}, std::move(processors),
                                std::move(sampler));
}

TEST(TraceView, KeepsTracesTheSamplerDidNotSample) {
  auto view = std::make_shared<TraceView>(quick_options());
  auto provider = provider_for(view, make_always_off_sampler());
  TraceId id;
  {
    Span root = provider->tracer().start_span("GET /x", SpanKind::server, {});
    id = root.context().trace_id;
    EXPECT_FALSE(root.context().sampled());
    Span child = provider->tracer().start_span("db", SpanKind::client, root.context());
  }
  const auto trace = view->find(id);
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->spans.size(), 2u);
}

TEST(TraceView, BoundsHoldUnderConcurrentWriters) {
  TraceViewOptions options = quick_options();
  options.limits.max_bytes = 256 * 1024;
  options.limits.max_traces = 300;
  auto view = std::make_shared<TraceView>(options);
  auto provider = provider_for(view, make_always_on_sampler());
  std::atomic<bool> done{false};
  std::size_t worst_bytes = 0, worst_count = 0;
  std::thread reader([&] {
    while (!done.load()) {
      const auto stats = view->stats().store;
      worst_bytes = std::max(worst_bytes, stats.bytes);
      worst_count = std::max(worst_count, stats.traces + stats.pending_traces);
      view->list({});
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < 1500; ++i) {
        Span root = provider->tracer().start_span("GET /api/boards/{id}", SpanKind::server, {});
        root.set_attribute("payload", std::string(200, 'p'));
        Span child = provider->tracer().start_span("db.query", SpanKind::client, root.context());
        child.end();
        root.end();
      }
    });
  }
  for (auto& writer : writers) writer.join();
  done = true;
  reader.join();
  view->digest();
  const ViewStats stats = view->stats();
  EXPECT_EQ(stats.spans_received, 4u * 1500u * 2u);
  EXPECT_LE(worst_bytes, options.limits.max_bytes);
  EXPECT_LE(worst_count, options.limits.max_traces);
  EXPECT_LE(stats.store.bytes, options.limits.max_bytes);
  EXPECT_GT(stats.store.traces, 0u);
  EXPECT_GT(stats.store.traces_evicted, 0u);
}

TEST(TraceView, LogLinesStayWithTheirTraceRedacted) {
  auto view = std::make_shared<TraceView>(quick_options());
  auto provider = provider_for(view, make_always_off_sampler());
  logs::LoggerOptions log_options;
  log_options.format = logs::Format::pretty;  // the view still gets JSON
  log_options.stdout_fd = -1;
  log_options.trace_lines = view;
  auto logger = logs::make_logger(std::move(log_options));

  TraceId first, second;
  {
    Span a = provider->tracer().start_span("GET /a", SpanKind::server, {});
    Span b = provider->tracer().start_span("GET /b", SpanKind::server, {});
    first = a.context().trace_id;
    second = b.context().trace_id;
    const logs::Field fields[] = {{"password", "hunter2-secret"}, {"board", 7}};
    const logs::Correlation in_a{&a.context(), "req-a", std::nullopt};
    const logs::Correlation in_b{&b.context(), "req-b", std::nullopt};
    logger->write(logs::Level::info, "app", "first line of a", fields, &in_a);
    logger->write(logs::Level::warn, "app", "line of b", {}, &in_b);
    logger->write(logs::Level::info, "app", "second line of a", {}, &in_a);
    logger->info("app", "outside any trace");
  }
  const auto a = view->find(first);
  const auto b = view->find(second);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->logs.size(), 2u);
  ASSERT_EQ(b->logs.size(), 1u);
  EXPECT_NE(a->logs[0].json.find("\"message\":\"first line of a\""), std::string::npos);
  EXPECT_NE(a->logs[1].json.find("second line of a"), std::string::npos);
  EXPECT_NE(b->logs[0].json.find("line of b"), std::string::npos);
  EXPECT_EQ(a->logs[0].json.find("hunter2"), std::string::npos) << a->logs[0].json;
  EXPECT_NE(a->logs[0].json.find("[REDACTED]"), std::string::npos);
  EXPECT_EQ(view->stats().log_lines_received, 3u);

  // The page's JSON carries the lines and the spans (OTLP/JSON) of the trace.
  const std::string json = trace_json(*a, Resource{}, trace_link("https://g/{trace_id}", "x"));
  EXPECT_NE(json.find("first line of a"), std::string::npos);
  EXPECT_NE(json.find("\"resourceSpans\""), std::string::npos);
  EXPECT_NE(json.find("\"link\":\"https://g/x\""), std::string::npos);
  logger->shutdown(std::chrono::steady_clock::now() + 2s);
}

}  // namespace
}  // namespace telemetry::trace_view
