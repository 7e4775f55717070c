#include "telemetry/propagation/trace_context.hpp"
#include "telemetry/text.hpp"

namespace telemetry::propagation {

namespace {

int any_case_hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool parse_x_trace_id(std::string_view header, TraceId& out) noexcept {
  const std::string_view text = text::trim_ows(header);
  if (text.size() != TraceId::kHexLength) return false;
  for (std::size_t i = 0; i < out.bytes.size(); ++i) {
    const int high = any_case_hex_value(text[2 * i]);
    const int low = any_case_hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out.bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return out.valid();
}

Extracted extract(const IncomingTraceHeaders& headers) {
  Extracted result;
  if (headers.traceparent.size() > 1) {
    result.traceparent_error = TraceparentError::multiple_headers;
  } else if (headers.traceparent.size() == 1) {
    Traceparent parsed;
    result.traceparent_error = parse_traceparent(headers.traceparent[0], parsed);
    if (result.traceparent_error == TraceparentError::none) {
      result.from_traceparent = true;
      result.parent.trace_id = parsed.trace_id;
      result.parent.span_id = parsed.parent_id;
      // Whatever the version, the flags we know keep their meaning (a higher version
      // shares version 00's first four fields); only unknown bits are cleared.
      result.parent.flags = parsed.flags & kKnownTraceFlags;
      result.parent.remote = true;
      if (!headers.tracestate.empty()) {
        auto state = parse_tracestate(headers.tracestate, &result.tracestate_error);
        if (state) result.parent.trace_state = std::move(*state);
      }
      return result;
    }
  }

  // No usable traceparent: its tracestate must not be used. Older clients may
  // still name the trace they want to join.
  TraceId legacy;
  if (headers.x_trace_id.size() == 1 && parse_x_trace_id(headers.x_trace_id[0], legacy)) {
    result.from_x_trace_id = true;
    result.parent.trace_id = legacy;
    result.parent.remote = true;
  }
  return result;
}

Extracted extract(std::string_view traceparent, std::span<const std::string_view> tracestates,
                  std::string_view x_trace_id) {
  IncomingTraceHeaders headers;
  if (!traceparent.empty())
    headers.traceparent = std::span<const std::string_view>(&traceparent, 1);
  headers.tracestate = tracestates;
  if (!x_trace_id.empty()) headers.x_trace_id = std::span<const std::string_view>(&x_trace_id, 1);
  return extract(headers);
}

}  // namespace telemetry::propagation
