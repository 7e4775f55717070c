// Request-thread cost of one span (start, 5 attributes, end; a new trace each time)
// through the batch processor with a no-op exporter, with the built-in trace view off
// and on, at 100 % sampling and at 1 % (traceidratio 0.01, where the view makes the
// tracer record every span and export still sends 1 %).
//
//   cmake --build build/release --target bench_trace_view && build/release/bench/bench_trace_view

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "telemetry/trace/batch_span_processor.hpp"
#include "telemetry/trace/tracer.hpp"
#include "telemetry/trace_view/trace_view.hpp"

namespace {

using namespace telemetry;

class NoopExporter final : public SpanExporter {
 public:
  ExportResult export_spans(SpanBatch, std::chrono::steady_clock::time_point) noexcept override {
    return {};
  }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override { return true; }
  void shutdown(std::chrono::steady_clock::time_point) noexcept override {}
  std::string describe() const override { return "noop"; }
};

struct Pipeline {
  std::shared_ptr<trace_view::TraceView> view;
  std::unique_ptr<TracerProvider> provider;

  Pipeline(bool with_view, SamplerConfig sampler) {
    TracingConfig config;
    config.enabled = true;
    config.sampler = sampler;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    if (with_view) {
      view = std::make_shared<trace_view::TraceView>(trace_view::TraceViewOptions{});
      processors.push_back(std::make_unique<trace_view::TraceViewProcessor>(view));
    }
    processors.push_back(std::make_unique<BatchSpanProcessor>(
        std::make_unique<NoopExporter>(), config.batch, [](std::string_view) {}));
    provider = TracerProvider::create(config, Resource{}, std::move(processors));
  }
  ~Pipeline() { provider->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5)); }
};

void run(benchmark::State& state, bool with_view, SamplerConfig sampler) {
  Pipeline pipeline(with_view, sampler);
  Tracer& tracer = pipeline.provider->tracer();
  std::int64_t i = 0;
  for (auto _ : state) {
    Span span = tracer.start_span("GET /boards/{board_id}/elements", SpanKind::server, {});
    span.set_attribute("http.request.method", "GET");
    span.set_attribute("http.route", "/boards/{board_id}/elements");
    span.set_attribute("http.response.status_code", std::int64_t{200});
    span.set_attribute("url.path", "/boards/42/elements");
    span.set_attribute("board.element_count", ++i);
    span.end();
  }
  if (pipeline.view) {
    const auto stats = pipeline.view->stats();
    // A single thread ending spans back to back outruns the digest thread: the inbox
    // refuses what it cannot hold (counted, and shown red on the pipeline panel).
    state.counters["view_taken_pct"] =
        100.0 * static_cast<double>(stats.spans_received - stats.spans_dropped) /
        static_cast<double>(std::max<std::uint64_t>(stats.spans_received, 1));
  }
}

SamplerConfig always_on() {
  return SamplerConfig{SamplerKind::always_on, 1.0};
}
SamplerConfig one_percent() {
  return SamplerConfig{SamplerKind::traceidratio, 0.01};
}

void BM_ViewOff(benchmark::State& state) {
  run(state, false, always_on());
}
void BM_ViewOn(benchmark::State& state) {
  run(state, true, always_on());
}
void BM_ViewOffOnePercent(benchmark::State& state) {
  run(state, false, one_percent());
}
void BM_ViewOnOnePercentRecordAll(benchmark::State& state) {
  run(state, true, one_percent());
}
BENCHMARK(BM_ViewOff);
BENCHMARK(BM_ViewOn);
BENCHMARK(BM_ViewOffOnePercent);
BENCHMARK(BM_ViewOnOnePercentRecordAll);

}  // namespace

BENCHMARK_MAIN();
