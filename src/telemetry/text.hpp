#pragma once
// Small text helpers that several telemetry parts need when reading headers and
// environment variables.

#include <optional>
#include <string>
#include <string_view>

namespace telemetry::text {

// Without leading and trailing spaces and tabs (HTTP's optional white space).
std::string_view trim_ows(std::string_view text) noexcept;

// Without leading and trailing white space of any kind (environment values).
std::string_view trim_space(std::string_view text) noexcept;

// Decodes %XX escapes (either case); nullopt when an escape is cut short or not hex.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace telemetry::text
