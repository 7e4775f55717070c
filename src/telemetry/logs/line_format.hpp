#pragma once
// Turns one event into one complete line (ending in '\n'), in either format. Pure
// functions of their arguments: the caller supplies the time, so golden tests can pin
// every byte.
//
// JSON, one object per line, no spaces, keys in this order:
//   timestamp, level, target, message, trace_id, span_id, request_id, user_id, fields...
// trace_id/span_id appear only for a valid SpanContext, request_id only when
// non-empty, user_id only when known. Fields follow in call order.
//   - A field whose key is reserved (one of the eight above) is written as
//     "field.<key>", so it can never overwrite or shadow the line's own keys.
//   - Secret fields (redaction.hpp) are written as "[REDACTED]", whatever their type.
//   - Integers are exact JSON numbers, finite doubles the shortest round-trip form,
//     non-finite doubles the strings "NaN", "Infinity", "-Infinity"; bools true/false.
//   - Every string (target, message, keys, values) is escaped (json_escape.hpp) and,
//     when longer than max_value_bytes, cut and followed by "…[truncated N bytes]"
//     inside the same string, N being the number of bytes left out.
//
// Pretty, for people at a terminal (UTC time of day, level, target, message, then
// key=value fields, then the correlation ids):
//   23:20:15.123456 INFO  http  GET /api/boards/{id} 200 status=200 trace_id=4bf9...
// Values that contain spaces, '=', quotes or escapes are double-quoted. ANSI colours
// only when asked for; no escape character ever comes from a value.

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "telemetry/logs/logger.hpp"

namespace telemetry::logs {

enum class Format { json, pretty };

struct LineStyle {
  Format format = Format::json;
  bool color = false;
  std::size_t max_value_bytes = 8192;
};

struct LineEvent {
  std::chrono::system_clock::time_point time;
  Level level = Level::info;
  std::string_view target;
  std::string_view message;
  std::span<const Field> fields;
  const Correlation* correlation = nullptr;
};

void append_line(std::string& out, const LineStyle& style, const LineEvent& event);

// A guess at the formatted size, so the line is built with one allocation.
std::size_t estimate_line_bytes(const LineStyle& style, const LineEvent& event) noexcept;

}  // namespace telemetry::logs
