// realtime-board-api: the backend of a real-time collaborative board.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "app/config.hpp"
#include "app/connection_cap.hpp"
#include "app/service.hpp"
#include "app/telemetry_setup.hpp"

#ifndef RB_SERVICE_VERSION
#define RB_SERVICE_VERSION "dev"
#endif

int main(int argc, char** argv) {
  // A closed stdout pipe must not kill the service: the logger sees EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  // glibc hands free memory at the top of a thread's heap back to the kernel once it
  // exceeds the trim threshold (128 KiB at first). The database writer allocates a
  // group's elements and events, which the I/O threads free after the commit: with
  // groups of 30 creates that crossed the threshold every group, and each return
  // (madvise) interrupted the other core to flush its TLB and the next group faulted
  // the pages back in: the writer spent about half its CPU on it (ADR 024). Kept free
  // memory stays bounded by this much per heap, before the first threads start.
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  auto request = app::load_config(argc, argv, app::process_environment());
  if (const auto* error = std::get_if<app::ConfigError>(&request)) {
    std::fprintf(stderr, "realtime-board-api: invalid configuration: %s\n", error->message.c_str());
    return 2;
  }
  auto& config_request = std::get<app::ConfigRequest>(request);
  if (config_request.kind == app::ConfigRequest::Kind::help) {
    std::fputs(app::usage_text().c_str(), stdout);
    return 0;
  }
  if (config_request.kind == app::ConfigRequest::Kind::version) {
    std::printf("realtime-board-api %s\n", RB_SERVICE_VERSION);
    return 0;
  }

  // Checked against the descriptor limit now, so that a cap the process cannot reach
  // stops start-up instead of turning into failing accepts under load.
  auto& config = config_request.config;
  // SQLite connections: the pool, the writer's, and one read connection per I/O thread.
  const auto cap = app::connection_cap(config.max_connections, app::descriptor_limit(),
                                       config.db_threads + config.io_threads + 1);
  if (const auto* refusal = std::get_if<std::string>(&cap)) {
    std::fprintf(stderr, "realtime-board-api: invalid configuration: %s\n", refusal->c_str());
    return 2;
  }
  config.max_connections = std::get<std::size_t>(cap);

  auto telemetry = app::setup_telemetry([](const char* name) { return std::getenv(name); },
                                        app::unsampled_routes(), config_request.config.trace_view,
                                        config_request.config.trace_entry_spans_only);
  if (const auto* error = std::get_if<app::TelemetryError>(&telemetry)) {
    std::fprintf(stderr, "realtime-board-api: invalid configuration: %s\n", error->message.c_str());
    return 2;
  }
  auto& ready = std::get<app::Telemetry>(telemetry);
  const int status = app::run_service(config_request.config, ready);

  // One deadline for spans, a short one for the last log lines: exit stays bounded
  // even when the collector is unreachable.
  const auto now = std::chrono::steady_clock::now();
  const auto spans_deadline = now + ready.tracing->config().batch.export_timeout;
  const bool flushed = ready.shutdown(spans_deadline, spans_deadline + std::chrono::seconds(2));
  // A flush that missed its deadline left an export thread inside a send (a collector
  // that never answers). Running the process's static destructors under it would be
  // undefined behaviour: end here. The database is closed and the logs are written.
  if (!flushed) std::_Exit(status);
  return status;
}
