#pragma once
// A finished span as processors and exporters see it. Plain data; owned by whoever
// holds it (the batch processor's queue, then one export batch).

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
  // The exporter's wire form of this span, written by SpanExporter::encode_ahead on the
  // thread that ended it; empty when the exporter has none. Never set by hand.
  std::string wire;
};

}  // namespace telemetry
