#pragma once
// The OTLP trace exporter: gRPC (default), HTTP/protobuf or HTTP/JSON as OtlpConfig
// says. It splits batches that would exceed the request size limit, retries what
// the protocol calls retryable until the caller's deadline, and logs a collector
// outage once: a warning at its first failed attempt (endpoint, protocol, cause and a
// hint), an info line when it ends (how long, what it cost). While the collector is
// known to be down each request gets one attempt, so the queue and shutdown stay fast.
//
//   auto config = telemetry::OtlpConfig::from_env(std::getenv);  // throws OtlpConfigError
//   std::shared_ptr<const logs::Logger> logger = ...;
//   auto exporter = telemetry::make_otlp_exporter(config, resource, logger);
//   logger->info("telemetry", "exporting traces", {{"exporter", exporter->describe()}});

#include <functional>
#include <memory>

#include "telemetry/export/otlp_config.hpp"
#include "telemetry/export/otlp_retry.hpp"
#include "telemetry/export/otlp_transport.hpp"
#include "telemetry/logs/logger.hpp"
#include "telemetry/trace/exporter.hpp"
#include "telemetry/trace/resource.hpp"

namespace telemetry {

// Never fails for an unreachable collector (connections are made lazily); throws
// OtlpConfigError only if TLS files named in `config` cannot be loaded. The exporter
// shares the logger: an export thread that a timed-out shutdown left running may log
// after its owner has exited (BatchSpanProcessor::shutdown).
std::unique_ptr<SpanExporter> make_otlp_exporter(OtlpConfig config, Resource resource,
                                                 std::shared_ptr<const logs::Logger> logger);

namespace otlp {

// The User-Agent sent with every request: "realtime-board-otlp/<version>".
std::string user_agent();

// What the exporter needs besides a transport; injectable for tests.
struct ExporterOptions {
  RetryPolicy retry;
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
  std::function<double()> random01;  // uniform in [0, 1); a default generator when empty
  // Waits between retries; false when interrupted. Empty: a wait that shutdown cuts short.
  std::function<bool(std::chrono::milliseconds)> sleep;
};

std::unique_ptr<SpanExporter> make_exporter_with_transport(
    const OtlpConfig& config, std::unique_ptr<OtlpTransport> transport,
    std::shared_ptr<const logs::Logger> logger, ExporterOptions options = {});

// The transports (otlp_grpc_transport.cpp, otlp_http_transport.cpp).
std::unique_ptr<OtlpTransport> make_grpc_transport(const OtlpConfig& config, Resource resource);
std::unique_ptr<OtlpTransport> make_http_transport(const OtlpConfig& config, Resource resource);

}  // namespace otlp
}  // namespace telemetry
