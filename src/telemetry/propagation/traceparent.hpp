#pragma once
// The W3C Trace Context `traceparent` header: parsing and formatting without
// allocation. See trace_context.hpp for the whole propagation API.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/trace/span_context.hpp"

namespace telemetry::propagation {

// Why a `traceparent` value was rejected. Each rule of the specification that can
// reject a value has its own reason so that a log line can say which one it was.
enum class TraceparentError : std::uint8_t {
  none,               // valid
  absent,             // no traceparent header (only reported by extract())
  multiple_headers,   // more than one traceparent header (only reported by extract())
  empty,              // the header is present but empty (or only whitespace)
  wrong_length,       // version 00 not exactly 55 characters; a higher version under 55
  bad_version,        // version is not two hex characters
  version_ff,         // version ff is forbidden
  bad_delimiter,      // a field is not followed by '-' where the format needs one
  uppercase_hex,      // an uppercase hex digit in any field (only lowercase is allowed)
  non_hex,            // a character that is not hex in trace-id or parent-id
  bad_flags,          // trace-flags are not two hex characters
  zero_trace_id,      // trace-id is all zeros
  zero_parent_id,     // parent-id is all zeros
  bad_future_suffix,  // a higher version with more than 55 characters, not followed by '-'
};

// A short stable name ("wrong_length"), for log lines and test messages.
std::string_view to_string(TraceparentError error) noexcept;

struct Traceparent {
  std::uint8_t version = 0;
  TraceId trace_id;
  SpanId parent_id;
  // As received, unknown bits included (extract() keeps only kKnownTraceFlags).
  std::uint8_t flags = 0;
};

// Length of every traceparent (and traceresponse) this library writes.
inline constexpr std::size_t kTraceparentLength = 55;
// Flags this implementation knows: sampled (Level 1), random trace id (Level 2).
// Other bits are reserved and are written as zero, as the specification requires.
inline constexpr std::uint8_t kKnownTraceFlags = kFlagSampled | kFlagRandomTraceId;

// Parses one `traceparent` value. Surrounding spaces and tabs (HTTP optional
// whitespace) are ignored. On success returns `none` and fills `out`; otherwise
// `out` is left in an unspecified state. noexcept and allocation free.
//
// Version 00 must be exactly 55 characters. A higher version (01..fe) is parsed by
// its first four fields, which must have the version 00 layout; anything after the
// 55th character must start with '-' and is ignored.
TraceparentError parse_traceparent(std::string_view header, Traceparent& out) noexcept;

// Writes exactly 55 characters "00-<32 hex>-<16 hex>-<2 hex>" (no terminator).
// Reserved flag bits are cleared. Also the format of the `traceresponse` header.
void format_traceparent(const TraceId& trace_id, const SpanId& span_id, std::uint8_t flags,
                        char* out55) noexcept;

// The outgoing `traceparent` for a span: its trace id, its span id as the parent
// id, and its flags (reserved bits cleared).
std::string format_traceparent(const SpanContext& context);

}  // namespace telemetry::propagation
