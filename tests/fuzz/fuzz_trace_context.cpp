// Fuzzes the W3C Trace Context parsers: the input's first line is a traceparent,
// each further line a tracestate header value. Beyond "no crash, leak or undefined
// behaviour" it checks what must hold for any input (a violation traps).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/propagation/trace_context.hpp"

namespace {

using namespace telemetry;
using namespace telemetry::propagation;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

void check_traceparent(std::string_view header) {
  Traceparent parsed;
  const TraceparentError error = parse_traceparent(header, parsed);
  require(!to_string(error).empty() && to_string(error) != "unknown");
  if (error != TraceparentError::none) return;
  require(parsed.trace_id.valid() && parsed.parent_id.valid());
  require(parsed.version != 0xff);
  const std::string_view text = trim_ows(header);
  require(parsed.version == 0 ? text.size() == kTraceparentLength
                              : text.size() >= kTraceparentLength);
  // Version 00 without reserved flags formats back to exactly what was parsed.
  char out[kTraceparentLength];
  format_traceparent(parsed.trace_id, parsed.parent_id, parsed.flags, out);
  if (parsed.version == 0 && (parsed.flags & ~kKnownTraceFlags) == 0) {
    require(std::string_view(out, sizeof out) == text);
  }
  Traceparent again;
  require(parse_traceparent(std::string_view(out, sizeof out), again) == TraceparentError::none);
  require(again.trace_id == parsed.trace_id && again.parent_id == parsed.parent_id);
}

void check_tracestate(const std::vector<std::string_view>& values) {
  TracestateError error = TracestateError::none;
  const auto state = parse_tracestate(values, &error);
  if (!state) {
    require(error != TracestateError::none);
    return;
  }
  require(error == TracestateError::none);
  require(state->size() <= kTracestateMaxPropagatedLength);
  require(trim_ows(*state) == *state);
  // The outgoing form is itself valid and stable.
  TracestateError again_error = TracestateError::none;
  const auto again = parse_tracestate(*state, &again_error);
  require(again.has_value() && *again == *state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_traceparent(input);

  std::vector<std::string_view> lines;
  std::string_view rest = input;
  while (lines.size() < 64) {
    const std::size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  const std::string_view traceparent = lines.front();
  const std::vector<std::string_view> tracestates(lines.begin() + 1, lines.end());
  check_traceparent(traceparent);
  check_tracestate(tracestates);

  const std::string_view one[] = {traceparent};
  const std::string_view x_trace_id = tracestates.empty() ? std::string_view() : tracestates[0];
  const Extracted extracted =
      extract(IncomingTraceHeaders{one, tracestates, {&x_trace_id, tracestates.empty() ? 0u : 1u}});
  require(!(extracted.from_traceparent && extracted.from_x_trace_id));
  if (extracted.from_traceparent) {
    require(extracted.parent.valid() && extracted.parent.remote);
    require((extracted.parent.flags & ~kKnownTraceFlags) == 0);
  } else {
    require(extracted.parent.trace_state.empty());
    require(!extracted.parent.span_id.valid());
    require(extracted.from_x_trace_id == extracted.parent.trace_id.valid());
  }
  return 0;
}
