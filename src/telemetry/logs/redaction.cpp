#include "telemetry/logs/redaction.hpp"

namespace telemetry::logs {

namespace {

constexpr char fold(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if (c == '-') return '_';
  return c;
}

bool starts_with_folded(std::string_view text, std::string_view lower) noexcept {
  if (text.size() < lower.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (fold(text[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool is_secret_key(std::string_view key) noexcept {
  // One pass over the key; at each position only the parts that start with that
  // letter are compared, so a typical key costs a few switch jumps (logging checks
  // every field). "set_cookie", "access_token", "refresh_token" are covered by
  // "cookie" and "token".
  for (std::size_t at = 0; at < key.size(); ++at) {
    const std::string_view rest = key.substr(at);
    switch (fold(key[at])) {
      case 'a':
        if (starts_with_folded(rest, "authorization") || starts_with_folded(rest, "api_key") ||
            starts_with_folded(rest, "apikey")) {
          return true;
        }
        break;
      case 'c':
        if (starts_with_folded(rest, "cookie")) return true;
        break;
      case 'p':
        if (starts_with_folded(rest, "password") || starts_with_folded(rest, "passwd")) {
          return true;
        }
        break;
      case 's':
        if (starts_with_folded(rest, "secret")) return true;
        break;
      case 't':
        if (starts_with_folded(rest, "token")) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

bool looks_like_credential(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return starts_with_folded(value, "bearer ");
}

}  // namespace telemetry::logs
