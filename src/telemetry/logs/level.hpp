#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace telemetry::logs {

enum class Level : std::uint8_t { trace = 0, debug, info, warn, error, off };

std::string_view to_string(Level level) noexcept;  // "trace", "debug", ...
std::optional<Level> parse_level(std::string_view text) noexcept;

}  // namespace telemetry::logs
