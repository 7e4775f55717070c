#pragma once
// Limits of browser log ingestion (POST /api/telemetry/client). No token is needed
// there, so these bounds are what keeps it from being a way to flood the logs.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace api {

struct ClientLogOptions {
  std::size_t max_events = 100;             // per request
  std::size_t max_body_bytes = 64 * 1024;   // per request
  std::size_t rate_requests = 20;           // per client address ...
  std::chrono::seconds rate_window{10};     // ... in any window this long
  std::size_t max_tracked_clients = 10000;  // addresses the rate limiter remembers
  // The rate limiter's clock; empty means std::chrono::steady_clock (tests inject one).
  std::function<std::chrono::steady_clock::time_point()> clock;
};

struct ClientLogRate {
  std::size_t requests = 0;
  std::chrono::seconds window{0};
};

// Parses BOARD_CLIENT_LOG_RATE: "<requests>/<seconds>s", e.g. "20/10s" (the trailing
// "s" may be omitted). Both numbers must be positive; nullopt otherwise.
std::optional<ClientLogRate> parse_client_log_rate(std::string_view text) noexcept;

}  // namespace api
