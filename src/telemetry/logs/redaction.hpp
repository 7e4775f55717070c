#pragma once
// Secrets never reach a log line or a span attribute, whatever the level. The
// logger replaces the value of a secret-looking field with kRedacted; the tracing
// code applies the same rule to span attributes.

#include <string_view>

namespace telemetry::logs {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// True when `key` is or contains, ignoring case and treating '-' and '_' alike, one
// of: authorization, cookie (so set-cookie), password, passwd, secret, token (so
// access_token, refresh_token, x-auth-token), api_key / api-key, apikey. Errs on the
// side of hiding: "tokens_used" is redacted too.
bool is_secret_key(std::string_view key) noexcept;

// True for a value that carries its own credential scheme ("Bearer ..."), so that a
// token logged under an innocent key ("header", "value") is still hidden.
bool looks_like_credential(std::string_view value) noexcept;

}  // namespace telemetry::logs
