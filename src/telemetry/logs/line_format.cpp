#include "telemetry/logs/line_format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "telemetry/logs/json_escape.hpp"
#include "telemetry/logs/timestamp.hpp"
#include "telemetry/redaction.hpp"

namespace telemetry::logs {

namespace {

constexpr std::array<std::string_view, 8> kReservedKeys{
    "timestamp", "level", "target", "message", "trace_id", "span_id", "request_id", "user_id"};
constexpr std::string_view kReservedPrefix = "field.";

bool is_reserved(std::string_view key) noexcept {
  return std::find(kReservedKeys.begin(), kReservedKeys.end(), key) != kReservedKeys.end();
}

using redaction::is_secret_key;
using redaction::kRedacted;

// A text value with the credentials inside it hidden ("token=[REDACTED]"), or nullopt
// when it has none or is not text. The whole value of a secret key is hidden instead.
std::optional<std::string> hide_credentials(const Field& field) {
  const auto* text = std::get_if<std::string_view>(&field.value);
  return text != nullptr ? redaction::redact_text(*text) : std::nullopt;
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

// Shortest text that reads back as the same double; nullptr-free for finite values.
void append_finite_double(std::string& out, double value) {
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

std::string_view non_finite_name(double value) noexcept {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

// --- JSON -----------------------------------------------------------------------

void json_string(std::string& out, std::string_view text, std::size_t max_bytes) {
  const Truncated cut = truncate_utf8(text, max_bytes);
  out += '"';
  append_json_escaped(out, cut.kept);
  if (cut.cut_bytes > 0) append_truncation_marker(out, cut.cut_bytes);
  out += '"';
}

void json_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void json_value(std::string& out, const FieldValue& value, std::size_t max_bytes) {
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    json_string(out, *text, max_bytes);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    append_int(out, *integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    if (std::isfinite(*real)) {
      append_finite_double(out, *real);
    } else {
      out += '"';
      out += non_finite_name(*real);
      out += '"';
    }
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

void append_json(std::string& out, const LineStyle& style, const LineEvent& event) {
  const std::size_t max = style.max_value_bytes;
  out += "{\"timestamp\":\"";
  append_rfc3339_utc(out, event.time);
  out += "\",\"level\":\"";
  out += to_string(event.level);
  out += "\",\"target\":";
  json_string(out, event.target, max);
  out += ",\"message\":";
  json_string(out, event.message, max);

  if (const Correlation* c = event.correlation) {
    if (c->span != nullptr && c->span->valid()) {
      char hex[TraceId::kHexLength];
      c->span->trace_id.write_hex(hex);
      json_key(out, "trace_id");
      out += '"';
      out.append(hex, TraceId::kHexLength);
      c->span->span_id.write_hex(hex);
      out += "\",\"span_id\":\"";
      out.append(hex, SpanId::kHexLength);
      out += '"';
    }
    if (!c->request_id.empty()) {
      json_key(out, "request_id");
      json_string(out, c->request_id, max);
    }
    if (c->user_id) {
      json_key(out, "user_id");
      append_int(out, *c->user_id);
    }
  }

  for (const Field& field : event.fields) {
    out += ',';
    if (is_reserved(field.key)) {
      out += "\"field.";
      out += field.key;  // reserved keys are plain ASCII; nothing to escape
      out += '"';
    } else {
      json_string(out, field.key, max);
    }
    out += ':';
    if (is_secret_key(field.key)) {
      out += '"';
      out += kRedacted;
      out += '"';
    } else if (const auto hidden = hide_credentials(field)) {
      json_string(out, *hidden, max);
    } else {
      json_value(out, field.value, max);
    }
  }
  out += "}\n";
}

// --- Pretty ---------------------------------------------------------------------

struct Palette {
  std::string_view dim, target, reset;
};

std::string_view level_label(Level level) noexcept {
  static constexpr std::array<std::string_view, 6> kLabels{"TRACE", "DEBUG", "INFO ",
                                                           "WARN ", "ERROR", "OFF  "};
  const auto index = static_cast<std::size_t>(level);
  return index < kLabels.size() ? kLabels[index] : "?????";
}

std::string_view level_color(Level level) noexcept {
  switch (level) {
    case Level::trace:
      return "\x1b[35m";
    case Level::debug:
      return "\x1b[34m";
    case Level::info:
      return "\x1b[32m";
    case Level::warn:
      return "\x1b[33m";
    default:
      return "\x1b[1;31m";
  }
}

void pretty_text(std::string& out, std::string_view text, std::size_t max_bytes) {
  const Truncated cut = truncate_utf8(text, max_bytes);
  append_pretty_escaped(out, cut.kept, /*quoted=*/false);
  if (cut.cut_bytes > 0) append_truncation_marker(out, cut.cut_bytes);
}

void pretty_string_value(std::string& out, std::string_view text, std::size_t max_bytes) {
  const Truncated cut = truncate_utf8(text, max_bytes);
  if (cut.cut_bytes == 0 && !pretty_needs_quotes(cut.kept)) {
    out += cut.kept;
    return;
  }
  out += '"';
  append_pretty_escaped(out, cut.kept, /*quoted=*/true);
  if (cut.cut_bytes > 0) append_truncation_marker(out, cut.cut_bytes);
  out += '"';
}

void pretty_key(std::string& out, const Palette& palette, std::string_view prefix,
                std::string_view key, std::size_t max_bytes) {
  out += ' ';
  out += palette.dim;
  out += prefix;
  pretty_text(out, key, max_bytes);
  out += '=';
  out += palette.reset;
}

void append_pretty(std::string& out, const LineStyle& style, const LineEvent& event) {
  const std::size_t max = style.max_value_bytes;
  const Palette palette = style.color ? Palette{"\x1b[2m", "\x1b[36m", "\x1b[0m"} : Palette{};
  out += palette.dim;
  append_time_of_day_utc(out, event.time);
  out += palette.reset;
  out += ' ';
  if (style.color) out += level_color(event.level);
  out += level_label(event.level);
  out += palette.reset;
  out += ' ';
  out += palette.target;
  pretty_text(out, event.target, max);
  out += palette.reset;
  out += "  ";
  pretty_text(out, event.message, max);

  for (const Field& field : event.fields) {
    pretty_key(out, palette, is_reserved(field.key) ? kReservedPrefix : std::string_view{},
               field.key, max);
    if (is_secret_key(field.key)) {
      out += kRedacted;
    } else if (const auto hidden = hide_credentials(field)) {
      pretty_string_value(out, *hidden, max);
    } else if (const auto* text = std::get_if<std::string_view>(&field.value)) {
      pretty_string_value(out, *text, max);
    } else if (const auto* real = std::get_if<double>(&field.value);
               real != nullptr && !std::isfinite(*real)) {
      out += non_finite_name(*real);
    } else {
      json_value(out, field.value, max);  // numbers and bools read the same in both
    }
  }

  if (const Correlation* c = event.correlation) {
    if (c->span != nullptr && c->span->valid()) {
      char hex[TraceId::kHexLength];
      c->span->trace_id.write_hex(hex);
      pretty_key(out, palette, {}, "trace_id", max);
      out.append(hex, TraceId::kHexLength);
      c->span->span_id.write_hex(hex);
      pretty_key(out, palette, {}, "span_id", max);
      out.append(hex, SpanId::kHexLength);
    }
    if (!c->request_id.empty()) {
      pretty_key(out, palette, {}, "request_id", max);
      pretty_string_value(out, c->request_id, max);
    }
    if (c->user_id) {
      pretty_key(out, palette, {}, "user_id", max);
      append_int(out, *c->user_id);
    }
  }
  out += '\n';
}

}  // namespace

void append_line(std::string& out, const LineStyle& style, const LineEvent& event) {
  if (style.format == Format::json) {
    append_json(out, style, event);
  } else {
    append_pretty(out, style, event);
  }
}

std::size_t estimate_line_bytes(const LineStyle& style, const LineEvent& event) noexcept {
  const std::size_t max = style.max_value_bytes + 32;
  std::size_t bytes = 96 + std::min(event.target.size(), max) + std::min(event.message.size(), max);
  for (const Field& field : event.fields) {
    bytes += 8 + std::min(field.key.size(), max);
    const auto* text = std::get_if<std::string_view>(&field.value);
    bytes += text != nullptr ? std::min(text->size(), max) : 24;
  }
  if (const Correlation* c = event.correlation) {
    bytes += 100 + std::min(c->request_id.size(), max);
  }
  if (style.color) bytes += 48 + 12 * event.fields.size();
  return bytes;
}

}  // namespace telemetry::logs
