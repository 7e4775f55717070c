#pragma once
// When to try an export again and how long to wait first. Pure functions of their
// inputs (time and randomness are passed in) so every decision is unit-testable.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace telemetry::otlp {

// What one attempt says about the next.
enum class Outcome { success, retryable, permanent };

// The OTLP spec's retryable gRPC codes. RESOURCE_EXHAUSTED is retryable only when the
// server said when to come back (RetryInfo); otherwise it is a permanent refusal.
Outcome classify_grpc_status(int grpc_code, bool has_retry_info) noexcept;
// 2xx success; 429, 502, 503, 504 retryable; anything else permanent.
Outcome classify_http_status(unsigned status) noexcept;

// A Retry-After header: delta-seconds or an IMF-fixdate (compared with `now_utc`).
// nullopt when absent or unparsable. A date in the past means "now" (zero).
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now_utc);

struct RetryPolicy {
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{5000};
  double multiplier = 2.0;
  // An attempt needs at least this long before the deadline to be worth making.
  std::chrono::milliseconds min_attempt_time{20};

  // How long to wait before retry number `retry` (1 for the first retry), or nullopt
  // when no retry fits before `deadline`. `server_delay` (Retry-After, RetryInfo) is
  // honoured as given; otherwise the back-off grows exponentially with "equal jitter":
  // uniformly within [backoff/2, backoff] as `random01` runs over [0, 1).
  std::optional<std::chrono::milliseconds> next_delay(
      int retry, std::optional<std::chrono::milliseconds> server_delay,
      std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point deadline,
      double random01) const noexcept;
};

}  // namespace telemetry::otlp
