#pragma once
// The structured logger's public face. A log line is a level, a target (the module
// that speaks: "http", "storage", "auth"...), a message, the event's own fields and,
// inside a request, the correlation ids. Formatting and writing happen behind this
// interface; writing never blocks the calling thread (see LogSink).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "telemetry/logs/level.hpp"
#include "telemetry/trace/span_context.hpp"

namespace telemetry::logs {

// A field refers to data owned by the caller for the duration of the call only.
using FieldValue = std::variant<std::string_view, std::int64_t, double, bool>;

struct Field {
  std::string_view key;
  FieldValue value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, long long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, unsigned long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

// The ids that tie a line to a request and its trace. Any part may be absent.
struct Correlation {
  const SpanContext* span = nullptr;  // trace_id and span_id come from here
  std::string_view request_id;
  std::optional<std::int64_t> user_id;
};

class Logger {
 public:
  virtual ~Logger() = default;

  // Cheap check so callers can skip building fields for filtered-out lines.
  virtual bool enabled(Level level, std::string_view target) const noexcept = 0;

  virtual void write(Level level, std::string_view target, std::string_view message,
                     std::span<const Field> fields,
                     const Correlation* correlation = nullptr) const noexcept = 0;

  void log(Level level, std::string_view target, std::string_view message,
           std::initializer_list<Field> fields = {}) const noexcept {
    if (enabled(level, target)) write(level, target, message, {fields.begin(), fields.size()});
  }
  void debug(std::string_view target, std::string_view message,
             std::initializer_list<Field> fields = {}) const noexcept {
    log(Level::debug, target, message, fields);
  }
  void info(std::string_view target, std::string_view message,
            std::initializer_list<Field> fields = {}) const noexcept {
    log(Level::info, target, message, fields);
  }
  void warn(std::string_view target, std::string_view message,
            std::initializer_list<Field> fields = {}) const noexcept {
    log(Level::warn, target, message, fields);
  }
  void error(std::string_view target, std::string_view message,
             std::initializer_list<Field> fields = {}) const noexcept {
    log(Level::error, target, message, fields);
  }
};

}  // namespace telemetry::logs
