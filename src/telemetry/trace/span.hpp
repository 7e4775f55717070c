#pragma once
// The one span handle that application code sees. It is passed explicitly (never
// found through a thread-local "current span"), ends itself when destroyed, and is
// always usable: a span that is not recorded (tracing off, or not sampled) still has
// a valid SpanContext, so ids reach logs and response headers, and its children
// inherit its trace.

#include <cstdint>
#include <string_view>

#include "telemetry/trace/attributes.hpp"
#include "telemetry/trace/span_context.hpp"

namespace telemetry {

class Tracer;
namespace detail {
struct SpanRecord;
}

// Values are the OTLP Span.SpanKind numbers.
enum class SpanKind : std::uint8_t {
  internal = 1,
  server = 2,
  client = 3,
  producer = 4,
  consumer = 5
};

// Values are the OTLP Status.StatusCode numbers.
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

class Span {
 public:
  // A span with no tracer and an invalid context: what a default-constructed
  // holder contains before a real span is moved in.
  Span() noexcept = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span();  // ends the span if it has not been ended

  const SpanContext& context() const noexcept { return context_; }
  // True while attributes, events and status are kept for export.
  bool is_recording() const noexcept { return record_ != nullptr; }

  void set_attribute(std::string_view key, std::string_view value) noexcept;
  void set_attribute(std::string_view key, const char* value) noexcept {
    set_attribute(key, std::string_view(value));
  }
  void set_attribute(std::string_view key, const std::string& value) noexcept {
    set_attribute(key, std::string_view(value));
  }
  void set_attribute(std::string_view key, std::int64_t value) noexcept;
  void set_attribute(std::string_view key, int value) noexcept {
    set_attribute(key, static_cast<std::int64_t>(value));
  }
  void set_attribute(std::string_view key, double value) noexcept;
  void set_attribute(std::string_view key, bool value) noexcept;
  void set_attribute(std::string_view key, AttributeValue value) noexcept;

  void add_event(std::string_view name, Attributes attributes = {}) noexcept;
  void add_link(const SpanContext& linked, Attributes attributes = {}) noexcept;
  void set_status(StatusCode code, std::string_view description = {}) noexcept;
  // Adds an `exception` event with exception.type and exception.message.
  void record_exception(std::string_view type, std::string_view message) noexcept;
  void update_name(std::string_view name) noexcept;

  // Starts a child of this span in the same trace (recorded or not, as sampling says).
  Span start_child(std::string_view name, SpanKind kind = SpanKind::internal) const noexcept;

  void end() noexcept;

 private:
  friend class Tracer;
  Span(Tracer* tracer, SpanContext context, detail::SpanRecord* record) noexcept
      : tracer_(tracer), context_(std::move(context)), record_(record) {}

  Tracer* tracer_ = nullptr;
  SpanContext context_;
  detail::SpanRecord* record_ = nullptr;  // null when not recording or already ended
};

}  // namespace telemetry
