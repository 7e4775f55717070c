#pragma once
// The running service: wires config, telemetry, storage, routes and the HTTP server,
// and owns their lifetime from start-up to a bounded graceful shutdown.

#include "app/config.hpp"
#include "app/telemetry_setup.hpp"

namespace app {

// Runs until SIGINT or SIGTERM; returns the process exit status. A second signal
// during shutdown exits at once.
int run_service(const Config& config, Telemetry& telemetry);

}  // namespace app
