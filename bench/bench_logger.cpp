// What logging costs the request thread. The writer drains to /dev/null, so these
// numbers are formatting + enqueueing, not terminal speed. "dropped" should stay 0:
// if the writer could not keep up, some iterations would measure the cheaper drop.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "telemetry/logs/async_logger.hpp"

namespace {

using namespace telemetry;
using namespace telemetry::logs;

std::unique_ptr<AsyncLogger> logger_to_dev_null(Format format, std::string_view filter) {
  static const int dev_null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  LoggerOptions options;
  options.format = format;
  options.filter = *LevelFilter::parse(filter);
  options.stdout_fd = dev_null;
  options.queue_capacity = 1 << 16;
  return make_logger(std::move(options));
}

SpanContext sample_span() {
  SpanContext span;
  span.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  span.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  return span;
}

// The shape of the access log line: correlation + 5 fields.
void log_request_line(const Logger& logger, const Correlation& correlation) {
  if (!logger.enabled(Level::info, "http")) return;
  const Field fields[] = {{"method", "GET"},
                          {"route", "/api/boards/{id}"},
                          {"status", 200},
                          {"duration_ms", 1.234},
                          {"bytes", std::int64_t{5120}}};
  logger.write(Level::info, "http", "GET /api/boards/{id} 200", fields, &correlation);
}

void run_request_lines(benchmark::State& state, Format format) {
  static std::unique_ptr<AsyncLogger> logger;
  if (state.thread_index() == 0) logger = logger_to_dev_null(format, "info");
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "req-7f3a9c", 42};
  for (auto _ : state) log_request_line(*logger, correlation);
  if (state.thread_index() == 0) {
    logger->flush(std::chrono::steady_clock::now() + std::chrono::seconds(10));
    state.counters["dropped"] = static_cast<double>(logger->dropped_count());
    logger.reset();
  }
}

void BM_JsonLineWithCorrelation(benchmark::State& state) {
  run_request_lines(state, Format::json);
}
BENCHMARK(BM_JsonLineWithCorrelation)->Threads(1)->Threads(2)->UseRealTime();

void BM_PrettyLineWithCorrelation(benchmark::State& state) {
  run_request_lines(state, Format::pretty);
}
BENCHMARK(BM_PrettyLineWithCorrelation);

void BM_FilteredOutLine(benchmark::State& state) {
  auto logger = logger_to_dev_null(Format::json, "info,storage=warn");
  for (auto _ : state) {
    logger->debug("http", "cache miss", {{"key", "board:42"}, {"ms", 0.3}});
  }
}
BENCHMARK(BM_FilteredOutLine);

// Formatting alone, into a reused buffer: the floor under the numbers above.
void BM_FormatJsonLineOnly(benchmark::State& state) {
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "req-7f3a9c", 42};
  const Field fields[] = {{"method", "GET"},
                          {"route", "/api/boards/{id}"},
                          {"status", 200},
                          {"duration_ms", 1.234},
                          {"bytes", std::int64_t{5120}}};
  const LineStyle style;
  std::string line;
  for (auto _ : state) {
    line.clear();
    append_line(line, style,
                LineEvent{std::chrono::system_clock::now(), Level::info, "http",
                          "GET /api/boards/{id} 200", fields, &correlation});
    benchmark::DoNotOptimize(line.data());
  }
  state.counters["bytes_per_line"] = static_cast<double>(line.size());
}
BENCHMARK(BM_FormatJsonLineOnly);

}  // namespace

BENCHMARK_MAIN();
