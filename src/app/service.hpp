#pragma once
// The composition root: reads nothing itself (Config and Telemetry come from main),
// opens storage through the backend factory, builds the domain services on its
// repositories, wires the API and debug routes onto the HTTP server, and owns their
// lifetime from start-up to a bounded graceful shutdown.

#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/telemetry_setup.hpp"

namespace app {

// Span names the sampler never samples: the health checks ("GET /health", ...).
std::vector<std::string> unsampled_routes();

// Runs until SIGINT or SIGTERM; returns the process exit status. A second signal
// during shutdown exits at once.
int run_service(const Config& config, Telemetry& telemetry);

}  // namespace app
