// OTLP export costs: encoding a 512-span batch (protobuf wire encoder, generated
// messages for reference, and JSON), the export thread's
// capacity (512-span batches over gRPC, back to back), and a sustained 1,000,000-span
// run through the batch processor exported over gRPC to an in-process TraceService
// sink on 127.0.0.1 — paced at the 100,000 spans/s target, at twice it, and unpaced —
// reporting ns per span end to end and spans dropped at the default queue size; the
// same sustained run with spans made through a tracer, as the service makes them.
//
//   scripts/dev-build bench_otlp && build/dev/bench/bench_otlp
// (numbers worth quoting come from a Release tree: RB_DEV_BUILD_DIR=build/release with
// -DCMAKE_BUILD_TYPE=Release).

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <thread>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "otlp_proto_reference.hpp"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_json_encoding.hpp"
#include "telemetry/export/otlp_proto_wire.hpp"
#include "telemetry/trace/batch_span_processor.hpp"
#include "telemetry/trace/tracer.hpp"

namespace {

using namespace telemetry;
namespace collector = opentelemetry::proto::collector::trace::v1;

// A server span as the HTTP middleware makes it: six attributes and one event.
SpanData typical_span(std::uint32_t n) {
  SpanData span;
  for (std::size_t i = 0; i < 16; ++i)
    span.context.trace_id.bytes[i] = static_cast<std::uint8_t>(n + i + 1);
  for (std::size_t i = 0; i < 8; ++i)
    span.context.span_id.bytes[i] = static_cast<std::uint8_t>(n * 7 + i + 1);
  span.context.flags = kFlagSampled;
  span.name = "GET /boards/{board_id}/elements";
  span.kind = SpanKind::server;
  span.start_time = 1'700'000'000'000'000'000ULL + n;
  span.end_time = span.start_time + 1'234'567;
  span.attributes = {{"http.request.method", std::string("GET")},
                     {"http.route", std::string("/boards/{board_id}/elements")},
                     {"http.response.status_code", std::int64_t{200}},
                     {"url.path", std::string("/boards/42/elements")},
                     {"user_agent.original", std::string("Mozilla/5.0 (X11; Linux x86_64)")},
                     {"server.address", std::string("board.example")}};
  span.events.push_back(
      {"elements.loaded", span.start_time + 1000, {{"count", std::int64_t{17}}}, 0});
  return span;
}

Resource bench_resource() {
  Resource resource;
  resource.set("service.name", std::string("realtime-board-api"));
  resource.set("service.version", std::string("0.1.0"));
  return resource;
}

std::vector<SpanData> batch_of(std::size_t n) {
  std::vector<SpanData> batch;
  for (std::size_t i = 0; i < n; ++i) batch.push_back(typical_span(static_cast<std::uint32_t>(i)));
  return batch;
}

void BM_EncodeProtobuf512(benchmark::State& state) {
  const auto batch = batch_of(512);
  const auto resource = bench_resource();
  std::size_t bytes = 0;
  otlp::RequestArena arena;  // one per export thread, as the transports keep it
  for (auto _ : state) {
    arena.reset();
    auto encoded = otlp::encode_proto_requests(resource, batch, 4 * 1024 * 1024, arena.get());
    std::string wire = encoded.requests[0]->SerializeAsString();
    bytes = wire.size();
    benchmark::DoNotOptimize(wire);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.counters["request_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeProtobuf512);

// What the gRPC and HTTP/protobuf transports do: bytes written straight from SpanData.
void BM_EncodeProtoWire512(benchmark::State& state) {
  const auto batch = batch_of(512);
  otlp::ProtoWireEncoder encoder(bench_resource());  // one per export thread
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::size_t oversized = 0;
    encoder.encode(batch, 4 * 1024 * 1024, oversized);
    bytes = encoder.request(0).size();
    benchmark::DoNotOptimize(encoder.request(0).data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.counters["request_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeProtoWire512);

void BM_EncodeJson512(benchmark::State& state) {
  const auto batch = batch_of(512);
  const auto resource = bench_resource();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto encoded = otlp::encode_json_requests(resource, batch, 4 * 1024 * 1024);
    bytes = encoded.bodies[0].size();
    benchmark::DoNotOptimize(encoded);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.counters["request_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeJson512);

// Counts what arrives; stands in for a collector.
class SinkService final : public collector::TraceService::Service {
 public:
  grpc::Status Export(grpc::ServerContext*, const collector::ExportTraceServiceRequest* request,
                      collector::ExportTraceServiceResponse*) override {
    std::uint64_t n = 0;
    for (const auto& rs : request->resource_spans()) {
      for (const auto& ss : rs.scope_spans()) n += static_cast<std::uint64_t>(ss.spans_size());
    }
    received.fetch_add(n, std::memory_order_relaxed);
    return grpc::Status::OK;
  }
  std::atomic<std::uint64_t> received{0};
};

// The sink served by gRPC on a free port of 127.0.0.1 for as long as this lives.
struct LocalSink {
  SinkService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;

  LocalSink() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~LocalSink() { server->Shutdown(); }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// The counters of a sustained run: time per span end to end, and where the spans went.
void report_sustained(benchmark::State& state, std::uint64_t spans, double seconds,
                      const ProcessorStats& stats, const LocalSink& sink) {
  state.counters["ns_per_span"] = seconds * 1e9 / static_cast<double>(spans);
  state.counters["spans_per_s"] = static_cast<double>(stats.exported) / seconds;
  state.counters["exported"] = static_cast<double>(stats.exported);
  state.counters["dropped"] = static_cast<double>(stats.dropped);
  state.counters["failed"] = static_cast<double>(stats.failed);
  state.counters["received"] = static_cast<double>(sink.service.received.load());
}

class NullLogger final : public logs::Logger {
 public:
  bool enabled(logs::Level, std::string_view) const noexcept override { return false; }
  void write(logs::Level, std::string_view, std::string_view, std::span<const logs::Field>,
             const logs::Correlation*) const noexcept override {}
};

// The export thread's capacity: one 512-span batch per iteration through the OTLP/gRPC
// exporter (encode + send + wait for the answer) to the in-process sink. Items/s here
// is the most the processor can ever export; the paced run below needs 100k/s of it.
void BM_ExportGrpc512(benchmark::State& state) {
  LocalSink sink;
  const auto logger = std::make_shared<NullLogger>();
  OtlpConfig config;
  config.endpoint = sink.endpoint();
  auto exporter = make_otlp_exporter(config, bench_resource(), logger);
  const auto batch = batch_of(512);
  for (auto _ : state) {
    const auto result =
        exporter->export_spans(batch, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    if (result.code != ExportResult::Code::success) state.SkipWithError(result.message.c_str());
  }
  exporter->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_ExportGrpc512)->UseRealTime();

// 1,000,000 spans through BatchSpanProcessor (default config) -> OTLP/gRPC -> sink.
// range(0): target rate in spans/s, 0 for as fast as one producer thread can go.
void BM_SustainedGrpc1M(benchmark::State& state) {
  constexpr std::uint64_t kSpans = 1'000'000;
  const auto rate = static_cast<std::uint64_t>(state.range(0));
  LocalSink sink;
  const auto logger = std::make_shared<NullLogger>();
  const SpanData model = typical_span(1);

  ProcessorStats stats;
  double seconds = 0;
  for (auto _ : state) {
    OtlpConfig config;
    config.endpoint = sink.endpoint();
    BatchSpanProcessor processor(make_otlp_exporter(config, bench_resource(), logger),
                                 BatchConfig{});
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < kSpans; ++i) {
      SpanData span = model;
      span.context.span_id.bytes[0] = static_cast<std::uint8_t>(i);
      processor.on_end(FinishedSpan::from(std::move(span)));
      if (rate != 0 && i % 1000 == 999) {
        std::this_thread::sleep_until(start +
                                      std::chrono::nanoseconds(i * 1'000'000'000ULL / rate));
      }
    }
    processor.force_flush(std::chrono::steady_clock::now() + std::chrono::seconds(60));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats = processor.stats();
    processor.shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
  report_sustained(state, kSpans, seconds, stats, sink);
}
BENCHMARK(BM_SustainedGrpc1M)
    ->Arg(100'000)
    ->Arg(200'000)  // headroom: twice the target
    ->Arg(0)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same sustained run with spans made the way the service makes them: started and
// ended through a tracer (six attributes and one event, as typical_span), so the span
// reaches the processor without the copy and wrapping BM_SustainedGrpc1M does outside
// any tracer. Unpaced and at the 100,000 spans/s target.
void BM_TracerSustainedGrpc1M(benchmark::State& state) {
  constexpr std::uint64_t kSpans = 1'000'000;
  const auto rate = static_cast<std::uint64_t>(state.range(0));
  LocalSink sink;
  const auto logger = std::make_shared<NullLogger>();

  ProcessorStats stats;
  double seconds = 0;
  for (auto _ : state) {
    OtlpConfig config;
    config.endpoint = sink.endpoint();
    TracingConfig tracing;
    tracing.enabled = true;
    tracing.sampler.kind = SamplerKind::always_on;
    auto processor = std::make_unique<BatchSpanProcessor>(
        make_otlp_exporter(config, bench_resource(), logger), BatchConfig{});
    BatchSpanProcessor& batch = *processor;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    processors.push_back(std::move(processor));
    auto provider = TracerProvider::create(tracing, bench_resource(), std::move(processors));
    Tracer& tracer = provider->tracer();
    const SpanContext parent = tracer.start_span("parent", SpanKind::server, {}).context();
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < kSpans; ++i) {
      Span span = tracer.start_span("GET /boards/{board_id}/elements", SpanKind::server, parent);
      span.set_attribute("http.request.method", "GET");
      span.set_attribute("http.route", "/boards/{board_id}/elements");
      span.set_attribute("http.response.status_code", std::int64_t{200});
      span.set_attribute("url.path", "/boards/42/elements");
      span.set_attribute("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)");
      span.set_attribute("server.address", "board.example");
      span.add_event("elements.loaded", {{"count", std::int64_t{17}}});
      span.end();
      if (rate != 0 && i % 1000 == 999) {
        std::this_thread::sleep_until(start +
                                      std::chrono::nanoseconds(i * 1'000'000'000ULL / rate));
      }
    }
    provider->force_flush(std::chrono::steady_clock::now() + std::chrono::seconds(60));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats = batch.stats();
    provider->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
  report_sustained(state, kSpans, seconds, stats, sink);
}
BENCHMARK(BM_TracerSustainedGrpc1M)
    ->Arg(100'000)
    ->Arg(0)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
