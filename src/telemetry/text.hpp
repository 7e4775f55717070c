#pragma once
// Small text helpers that several telemetry parts need: reading headers and
// environment variables, cutting values to a limit.

#include <optional>
#include <string>
#include <string_view>

namespace telemetry::text {

// Without leading and trailing spaces and tabs (HTTP's optional white space).
std::string_view trim_ows(std::string_view text) noexcept;

// Without leading and trailing white space of any kind (environment values).
std::string_view trim_space(std::string_view text) noexcept;

// The longest prefix of `text` of at most `max_bytes` bytes that does not split a UTF-8
// character (text that is not UTF-8 there is cut at `max_bytes`).
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

// Decodes %XX escapes (either case); nullopt when an escape is cut short or not hex.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace telemetry::text
