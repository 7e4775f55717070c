// LoggerOptions::from_env: the environment settings of the logger, read once at
// start-up. Every error names its setting so the operator knows what to fix.

#include <unistd.h>

#include <charconv>

#include "telemetry/logs/async_logger.hpp"
#include "telemetry/logs/json_escape.hpp"

namespace telemetry::logs {

namespace {

std::string_view lookup(const LoggerOptions::EnvLookup& getenv, const char* name) {
  const char* value = getenv ? getenv(name) : nullptr;
  return value != nullptr ? std::string_view(value) : std::string_view{};
}

bool equals_ignoring_case(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = (text[i] >= 'A' && text[i] <= 'Z') ? static_cast<char>(text[i] + 32) : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

Error bad_value(std::string_view setting, std::string_view value, std::string_view expected) {
  std::string message(setting);
  message += ": invalid value \"";
  append_pretty_escaped(message, truncate_utf8(value, 120).kept, /*quoted=*/true);
  message += "\" (expected ";
  message += expected;
  message += ')';
  return Error{std::move(message)};
}

// A positive integer within [min, max]; nullopt-like false when it is not.
bool parse_size(std::string_view text, std::size_t min, std::size_t max, std::size_t& out) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

}  // namespace

Result<LoggerOptions> LoggerOptions::from_env(const EnvLookup& getenv) {
  return from_env(getenv, ::isatty(1) == 1);
}

Result<LoggerOptions> LoggerOptions::from_env(const EnvLookup& getenv, bool stdout_is_terminal) {
  LoggerOptions options;

  const std::string_view format = lookup(getenv, "LOG_FORMAT");
  if (format.empty()) {
    options.format = stdout_is_terminal ? Format::pretty : Format::json;
  } else if (equals_ignoring_case(format, "json")) {
    options.format = Format::json;
  } else if (equals_ignoring_case(format, "pretty")) {
    options.format = Format::pretty;
  } else {
    return bad_value("LOG_FORMAT", format, "json or pretty");
  }

  auto filter = LevelFilter::parse(lookup(getenv, "LOG_LEVEL"));
  if (!filter) return Error{"LOG_LEVEL: " + filter.error()};
  options.filter = std::move(*filter);

  options.file_path = std::string(lookup(getenv, "LOG_FILE"));

  // https://no-color.org: a non-empty NO_COLOR turns colour off unless forced.
  const std::string_view color = lookup(getenv, "LOG_COLOR");
  const bool auto_color = stdout_is_terminal && lookup(getenv, "NO_COLOR").empty();
  if (color.empty() || equals_ignoring_case(color, "auto")) {
    options.color = auto_color;
  } else if (equals_ignoring_case(color, "always")) {
    options.color = true;
  } else if (equals_ignoring_case(color, "never")) {
    options.color = false;
  } else {
    return bad_value("LOG_COLOR", color, "auto, always or never");
  }
  if (options.format == Format::json) options.color = false;

  if (const auto text = lookup(getenv, "LOG_MAX_VALUE_BYTES"); !text.empty()) {
    if (!parse_size(text, 64, 1 << 20, options.max_value_bytes)) {
      return bad_value("LOG_MAX_VALUE_BYTES", text, "a number of bytes from 64 to 1048576");
    }
  }
  if (const auto text = lookup(getenv, "LOG_QUEUE_CAPACITY"); !text.empty()) {
    if (!parse_size(text, 1, 1 << 24, options.queue_capacity)) {
      return bad_value("LOG_QUEUE_CAPACITY", text, "a number of lines from 1 to 16777216");
    }
  }
  return options;
}

}  // namespace telemetry::logs
