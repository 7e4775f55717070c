// W3C Trace Context and request id costs on the request path (ns per call).
// Target: extracting a traceparent without tracestate in at most 100 ns, with no
// allocation; the "allocs" counter (calls to operator new per iteration) shows it.
//
//   bench_propagation --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "counting_allocator.hpp"
#include "telemetry/propagation/request_id.hpp"
#include "telemetry/propagation/trace_context.hpp"

namespace {

using namespace telemetry;
using namespace telemetry::propagation;

constexpr std::string_view kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Reports operator new calls per iteration.
class AllocationCounter {
 public:
  explicit AllocationCounter(benchmark::State& state)
      : state_(state), start_(counting_allocator::count()) {}
  ~AllocationCounter() {
    state_.counters["allocs"] =
        benchmark::Counter(static_cast<double>(counting_allocator::count() - start_),
                           benchmark::Counter::kAvgIterations);
  }

 private:
  benchmark::State& state_;
  long start_;
};

void BM_ParseTraceparent(benchmark::State& state) {
  std::string_view header = kTraceparent;
  AllocationCounter allocations(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(header);
    Traceparent parsed;
    benchmark::DoNotOptimize(parse_traceparent(header, parsed));
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseTraceparent);

void BM_ParseTraceparentInvalid(benchmark::State& state) {
  // Fails late: the parent id is all zeros.
  std::string_view header = "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01";
  for (auto _ : state) {
    benchmark::DoNotOptimize(header);
    Traceparent parsed;
    benchmark::DoNotOptimize(parse_traceparent(header, parsed));
  }
}
BENCHMARK(BM_ParseTraceparentInvalid);

void BM_ExtractWithoutTracestate(benchmark::State& state) {
  const std::string_view traceparent[] = {kTraceparent};
  AllocationCounter allocations(state);
  for (auto _ : state) {
    const Extracted result = extract(IncomingTraceHeaders{traceparent, {}, {}});
    benchmark::DoNotOptimize(result.parent.span_id);
  }
}
BENCHMARK(BM_ExtractWithoutTracestate);

void BM_ExtractWithTracestate(benchmark::State& state) {
  const std::string_view traceparent[] = {kTraceparent};
  const std::string_view tracestate[] = {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"};
  AllocationCounter allocations(state);
  for (auto _ : state) {
    const Extracted result = extract(IncomingTraceHeaders{traceparent, tracestate, {}});
    benchmark::DoNotOptimize(result.parent.trace_state.data());
  }
}
BENCHMARK(BM_ExtractWithTracestate);

void BM_ParseTracestate32Members(benchmark::State& state) {
  std::string header;
  for (int i = 0; i < 32; ++i) {
    if (i != 0) header += ',';
    header += "vendor";
    header += std::to_string(i);
    header += "=abc";
  }
  const std::string_view values[] = {header};
  for (auto _ : state) {
    auto result = parse_tracestate(values);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_ParseTracestate32Members);

SpanContext sample_context() {
  SpanContext context;
  context.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  context.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  context.flags = kFlagSampled;
  return context;
}

void BM_FormatTraceparentBuffer(benchmark::State& state) {
  const SpanContext context = sample_context();
  std::array<char, kTraceparentLength> out;
  AllocationCounter allocations(state);
  for (auto _ : state) {
    format_traceparent(context.trace_id, context.span_id, context.flags, out.data());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_FormatTraceparentBuffer);

void BM_FormatTraceparentString(benchmark::State& state) {
  const SpanContext context = sample_context();
  for (auto _ : state) {
    std::string out = format_traceparent(context);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_FormatTraceparentString);

void BM_IsValidRequestId(benchmark::State& state) {
  std::string_view id = "9b2c3d4e-aaaa-4bbb-8ccc-0123456789ab";
  for (auto _ : state) {
    benchmark::DoNotOptimize(id);
    benchmark::DoNotOptimize(is_valid_request_id(id));
  }
}
BENCHMARK(BM_IsValidRequestId);

void BM_NewRequestId(benchmark::State& state) {
  for (auto _ : state) {
    std::string id = new_request_id();
    benchmark::DoNotOptimize(id.data());
  }
}
BENCHMARK(BM_NewRequestId);

}  // namespace

BENCHMARK_MAIN();
