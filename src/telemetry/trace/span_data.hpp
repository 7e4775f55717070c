#pragma once
// What a span is: its ids, name, times, attributes, events, links and status. Plain
// data. Processors see it through a FinishedSpan, shared and read-only.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/trace/attributes.hpp"
#include "telemetry/trace/span.hpp"
#include "telemetry/trace/span_context.hpp"

namespace telemetry {

// Nanoseconds since the Unix epoch (wall clock), as OTLP's fixed64 time fields.
using UnixNanos = std::uint64_t;

struct SpanEvent {
  std::string name;
  UnixNanos time = 0;
  Attributes attributes;
  std::uint32_t dropped_attributes = 0;
};

struct SpanLink {
  SpanContext context;
  Attributes attributes;
  std::uint32_t dropped_attributes = 0;
};

struct SpanData {
  SpanContext context;    // trace_id, span_id, flags, trace_state
  SpanId parent_span_id;  // all zero for a root span
  bool parent_is_remote = false;
  std::string name;
  SpanKind kind = SpanKind::internal;
  UnixNanos start_time = 0;
  UnixNanos end_time = 0;  // start_time + a steady-clock duration
  Attributes attributes;
  std::vector<SpanEvent> events;
  std::vector<SpanLink> links;
  StatusCode status = StatusCode::unset;
  std::string status_message;
  std::uint32_t dropped_attributes = 0;
  std::uint32_t dropped_events = 0;
  std::uint32_t dropped_links = 0;
};

}  // namespace telemetry
