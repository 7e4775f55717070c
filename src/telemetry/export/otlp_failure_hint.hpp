#pragma once
// What to check when an export fails, recognised from the transport's error text, for
// the one warning an outage gets: "connection refused" alone does not tell a user that
// the port is wrong, and a TLS/plaintext mismatch shows up as a handshake or "bad
// request" error that is easy to misread.

#include <string_view>

namespace telemetry::otlp {

// A short hint for `error` (a SendResult message) or empty when nothing is recognised.
// `tls` says whether the endpoint asked for TLS (https://).
std::string_view failure_hint(std::string_view error, bool tls) noexcept;

}  // namespace telemetry::otlp
