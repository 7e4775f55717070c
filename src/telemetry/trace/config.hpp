#pragma once
// What the OTEL_* environment variables say about tracing, decided in one place.
// Parsing never fails: a bad value falls back to the spec's default and leaves a
// message in `warnings` for the app to print at start-up. The OTLP exporter's own
// variables (endpoint, protocol, headers, timeout...) are read by the export code.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/trace/resource.hpp"

namespace telemetry {

// Spec defaults; a length limit of kNoLimit means values are never truncated.
struct SpanLimits {
  static constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);
  std::size_t attribute_count = 128;
  std::size_t attribute_value_length = kNoLimit;
  std::size_t event_count = 128;
  std::size_t link_count = 128;
  std::size_t event_attribute_count = 128;
  std::size_t link_attribute_count = 128;
};

enum class SamplerKind {
  always_on,
  always_off,
  traceidratio,
  parentbased_always_on,
  parentbased_always_off,
  parentbased_traceidratio,
};

struct SamplerConfig {
  SamplerKind kind = SamplerKind::parentbased_always_on;
  double ratio = 1.0;  // for the traceidratio kinds
};

struct BatchConfig {
  std::chrono::milliseconds schedule_delay{5000};
  std::chrono::milliseconds export_timeout{30000};
  std::size_t max_queue_size = 2048;
  std::size_t max_export_batch_size = 512;  // never above max_queue_size
};

enum class ExporterKind { otlp, console };

struct TracingConfig {
  // False when OTEL_SDK_DISABLED=true or when nothing asks for tracing (no OTLP
  // endpoint, no OTEL_TRACES_EXPORTER). Spans then still get ids (for logs and
  // headers) but nothing is recorded.
  bool enabled = false;
  bool sdk_disabled = false;
  // From OTEL_TRACES_EXPORTER (a comma list); `otlp` alone when only an endpoint is
  // set; empty for `none` (recorded for in-process use, exported nowhere).
  std::vector<ExporterKind> exporters;
  SamplerConfig sampler;
  // Only entry spans record: those with no parent or a remote one, and SERVER and
  // CONSUMER spans (a request, a WebSocket message). A span started under a local
  // parent otherwise records nothing and keeps its parent's ids, so what is logged
  // under it names the entry span. For services whose peak cannot afford a span per
  // statement; off by default.
  bool entry_spans_only = false;
  SpanLimits limits;
  BatchConfig batch;
  std::vector<std::string> warnings;

  static TracingConfig from_env(const EnvLookup& getenv);
};

std::string_view to_string(SamplerKind kind) noexcept;
std::string_view to_string(ExporterKind kind) noexcept;

}  // namespace telemetry
