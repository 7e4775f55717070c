// Request-thread cost of one span (start, 5 attributes, end) through the batch
// processor with its export thread running and a no-op exporter, against the same
// work untraced, with tracing disabled, and unsampled.
//
//   scripts/dev-build bench_trace && build/dev/bench/bench_trace
// (numbers worth quoting come from a Release tree: RB_DEV_BUILD_DIR=build/release with
// -DCMAKE_BUILD_TYPE=Release).

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>

#include "telemetry/trace/batch_span_processor.hpp"
#include "telemetry/trace/tracer.hpp"

namespace {

using namespace telemetry;

class NoopExporter final : public SpanExporter {
 public:
  explicit NoopExporter(std::atomic<std::uint64_t>& exported) : exported_(exported) {}
  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point) noexcept override {
    exported_.fetch_add(batch.size(), std::memory_order_relaxed);
    return {};
  }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override { return true; }
  void shutdown(std::chrono::steady_clock::time_point) noexcept override {}
  std::string describe() const override { return "noop"; }

 private:
  std::atomic<std::uint64_t>& exported_;
};

struct Pipeline {
  std::atomic<std::uint64_t> exported{0};
  std::unique_ptr<TracerProvider> provider;
  BatchSpanProcessor* batch = nullptr;

  Pipeline(bool enabled, SamplerKind sampler) {
    TracingConfig config;
    config.enabled = enabled;
    config.sampler.kind = sampler;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    auto processor = std::make_unique<BatchSpanProcessor>(std::make_unique<NoopExporter>(exported),
                                                          config.batch, [](std::string_view) {});
    batch = processor.get();
    processors.push_back(std::move(processor));
    provider = TracerProvider::create(config, Resource{}, std::move(processors));
  }
  ~Pipeline() { provider->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5)); }
};

// The work a request does with its span: five attributes a server span carries.
template <typename SpanLike>
void annotate(SpanLike& span, std::int64_t i) {
  span.set_attribute("http.request.method", "GET");
  span.set_attribute("http.route", "/boards/{board_id}/elements");
  span.set_attribute("http.response.status_code", std::int64_t{200});
  span.set_attribute("url.path", "/boards/42/elements");
  span.set_attribute("board.element_count", i);
}

struct NoSpan {
  template <typename T>
  void set_attribute(std::string_view key, T&& value) {
    benchmark::DoNotOptimize(key);
    benchmark::DoNotOptimize(value);
  }
};

void BM_Untraced(benchmark::State& state) {
  std::int64_t i = 0;
  for (auto _ : state) {
    NoSpan span;
    annotate(span, ++i);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Untraced);

void run_spans(benchmark::State& state, Pipeline& pipeline) {
  Tracer& tracer = pipeline.provider->tracer();
  const SpanContext parent = tracer.start_span("parent", SpanKind::server, {}).context();
  std::int64_t i = 0;
  for (auto _ : state) {
    Span span = tracer.start_span("GET /boards/{board_id}/elements", SpanKind::server, parent);
    annotate(span, ++i);
    span.end();
  }
}

void report(benchmark::State& state, Pipeline& pipeline) {
  pipeline.provider->force_flush(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  const ProcessorStats stats = pipeline.batch->stats();
  state.counters["exported"] = static_cast<double>(stats.exported);
  state.counters["dropped"] = static_cast<double>(stats.dropped);
  state.counters["batches"] = static_cast<double>(stats.batches);
}

void BM_TracingDisabled(benchmark::State& state) {
  Pipeline pipeline(false, SamplerKind::parentbased_always_on);
  run_spans(state, pipeline);
}
BENCHMARK(BM_TracingDisabled);

void BM_Unsampled(benchmark::State& state) {
  Pipeline pipeline(true, SamplerKind::always_off);
  run_spans(state, pipeline);
}
BENCHMARK(BM_Unsampled);

void BM_SampledBatch(benchmark::State& state) {
  Pipeline pipeline(true, SamplerKind::always_on);
  run_spans(state, pipeline);
  report(state, pipeline);
}
BENCHMARK(BM_SampledBatch);

// Two request threads on the two cores, competing with each other and the export
// thread for the queue lock and the record pool.
Pipeline* shared_pipeline = nullptr;

// Setup and Teardown run once around each run, outside the threads: run_spans uses
// the pipeline before the loop's start barrier, so building it on thread 0 raced
// with thread 1 reading it (a crash).
void make_shared_pipeline(const benchmark::State&) {
  shared_pipeline = new Pipeline(true, SamplerKind::always_on);
}

void drop_shared_pipeline(const benchmark::State&) {
  delete shared_pipeline;
  shared_pipeline = nullptr;
}

void BM_SampledBatchTwoThreads(benchmark::State& state) {
  run_spans(state, *shared_pipeline);
  if (state.thread_index() == 0) report(state, *shared_pipeline);
}
BENCHMARK(BM_SampledBatchTwoThreads)
    ->Threads(2)
    ->UseRealTime()
    ->Setup(make_shared_pipeline)
    ->Teardown(drop_shared_pipeline);

}  // namespace

BENCHMARK_MAIN();
