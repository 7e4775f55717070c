#include "telemetry/logs/level.hpp"

#include <array>

namespace telemetry::logs {

namespace {
bool equals_ignoring_case(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::off:
      return "off";
  }
  return "unknown";
}

// Case-insensitive because environment values are often written in capitals
// (LOG_LEVEL=INFO); "warning" because people type it.
std::optional<Level> parse_level(std::string_view text) noexcept {
  static constexpr std::array<std::pair<std::string_view, Level>, 7> kNames{{
      {"trace", Level::trace},
      {"debug", Level::debug},
      {"info", Level::info},
      {"warn", Level::warn},
      {"warning", Level::warn},
      {"error", Level::error},
      {"off", Level::off},
  }};
  for (const auto& [name, level] : kNames) {
    if (equals_ignoring_case(text, name)) return level;
  }
  return std::nullopt;
}

}  // namespace telemetry::logs
