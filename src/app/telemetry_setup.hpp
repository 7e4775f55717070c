#pragma once
// Builds the service's logger and tracer from the environment (LOG_*, OTEL_*), and
// says in one start-up line what tracing does: on or off, protocol, endpoint,
// sampler and service name.

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/config.hpp"
#include "telemetry/logs/async_logger.hpp"
#include "telemetry/trace/tracer.hpp"
#include "telemetry/trace_view/trace_view.hpp"

namespace app {

struct Telemetry {
  // Shared with the OTLP exporters, whose thread may outlive a shutdown that timed out.
  std::shared_ptr<telemetry::logs::AsyncLogger> logger;
  std::unique_ptr<telemetry::TracerProvider> tracing;
  // The built-in trace view; null when BOARD_TRACE_VIEW=off. Shared by the tracer (a
  // processor), the logger (lines inside a trace) and the pages that read it.
  std::shared_ptr<telemetry::trace_view::TraceView> trace_view;
  std::vector<std::string> warnings;  // logged once the logger runs

  // Writes the start-up line describing the tracing pipeline.
  void log_startup() const;
  // Flushes spans, then logs; each within its own share of the deadline. False when
  // the spans missed theirs: an export thread is then still running (see main).
  bool shutdown(std::chrono::steady_clock::time_point spans_deadline,
                std::chrono::steady_clock::time_point logs_deadline) const;

  std::string exporters_description;
  std::string sampler_description;
};

struct TelemetryError {
  std::string message;  // starts with the variable's name
};

// `unsampled_spans`: span names never sampled whatever the sampler says ("GET /health").
// With the trace view on, tracing is on even without an exporter, and every span is
// recorded for the view (export still follows the sampler). `entry_spans_only`:
// telemetry::TracingConfig::entry_spans_only (BOARD_TRACE_SPANS=entry).
std::variant<Telemetry, TelemetryError> setup_telemetry(
    const telemetry::EnvLookup& getenv, const std::vector<std::string>& unsampled_spans,
    const TraceViewSettings& view_settings, bool entry_spans_only);

}  // namespace app
