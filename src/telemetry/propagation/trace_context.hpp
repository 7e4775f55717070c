#pragma once
// W3C Trace Context propagation (Level 1, plus Level 2's random-trace-id flag and
// tracestate key grammar) for incoming HTTP requests and their responses.
//
// API summary (namespace telemetry::propagation):
//   parse_traceparent(header, out) -> TraceparentError    noexcept, no allocation
//   format_traceparent(trace_id, span_id, flags, out55)   noexcept, writes 55 chars
//   format_traceparent(span_context) -> std::string
//   parse_tracestate(values[, &error]) -> optional<string> outgoing form or nullopt
//   extract(headers) -> Extracted                        the whole incoming decision
//   to_string(TraceparentError / TracestateError)        stable names for log lines
// Request ids live in request_id.hpp.
//
// How extract() decides (the HTTP layer passes every value of each header, in order):
//   * exactly one valid `traceparent`: continue its trace. parent.trace_id is its
//     trace id, parent.span_id its parent-id (our server span's parent), parent.flags
//     its sampled and random-trace-id flags, of any version (Level 2 asks a
//     participant that keeps the trace id to keep that flag as received). Only the
//     bits we do not know are dropped. `tracestate` is then parsed; when invalid it
//     is discarded whole and the request goes on; a repeated key keeps its first
//     member.
//   * no `traceparent`, an invalid one, or several (the specification allows one):
//     `tracestate` is ignored and the tracer starts a new trace, unless
//   * a single `x-trace-id` of exactly 32 hex digits (either case, not all zeros)
//     from an older client is present: parent.trace_id is set from it and
//     parent.span_id stays all zeros. The tracer continues that trace id with a new
//     root span (no parent span); flags are 0 so the sampler decides, and the
//     random-trace-id flag is not set because we cannot know how the id was made.
//   In every case parent.valid() is true only when there is a parent span.
//
// Responses carry `traceparent` and `traceresponse` (same 55-character format:
// version 00, the trace id, this request's server span id, flags), `tracestate`
// when a non-empty one was received, and `x-trace-id` (32 lowercase hex).

#include <span>
#include <string_view>

#include "telemetry/propagation/traceparent.hpp"
#include "telemetry/propagation/tracestate.hpp"
#include "telemetry/trace/span_context.hpp"

namespace telemetry::propagation {

// Header names, lowercase as the specification recommends sending them.
inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr std::string_view kTracestateHeader = "tracestate";
inline constexpr std::string_view kTraceresponseHeader = "traceresponse";
inline constexpr std::string_view kXTraceIdHeader = "x-trace-id";

// Every value received for each header, in the order received (empty span: absent).
struct IncomingTraceHeaders {
  std::span<const std::string_view> traceparent;
  std::span<const std::string_view> tracestate;
  std::span<const std::string_view> x_trace_id;
};

struct Extracted {
  // The remote parent (remote == true when anything was taken from the request).
  // trace_state holds the outgoing tracestate form; empty when none.
  SpanContext parent;
  bool from_traceparent = false;
  bool from_x_trace_id = false;
  TraceparentError traceparent_error = TraceparentError::absent;
  // Only meaningful when from_traceparent; none when no tracestate was sent.
  TracestateError tracestate_error = TracestateError::none;

  // Whether the tracer must reuse parent.trace_id (with or without a parent span).
  bool continues_trace() const noexcept { return from_traceparent || from_x_trace_id; }
};

// The whole extraction. Allocates only for a non-empty tracestate (may throw
// std::bad_alloc then); without one it does not allocate.
Extracted extract(const IncomingTraceHeaders& headers);

// Convenience for one value per header; an empty string_view means "absent".
Extracted extract(std::string_view traceparent, std::span<const std::string_view> tracestates,
                  std::string_view x_trace_id);

// Parses an `x-trace-id` from older clients: 32 hex digits, either case, not all
// zeros. noexcept, no allocation.
bool parse_x_trace_id(std::string_view header, TraceId& out) noexcept;

}  // namespace telemetry::propagation
