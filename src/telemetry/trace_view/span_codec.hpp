#pragma once
// How the trace view keeps a span: appended to its trace's one byte buffer instead of
// as a SpanData of its own. A SpanData copy costs an allocation per vector and per
// string longer than the small-string buffer (ten or more for a span with a few
// attributes), and as many frees when the trace is evicted, all on the digest thread
// at the service's span rate; appending to a buffer costs a copy of the bytes and,
// amortized, no allocation. Spans are decoded back to SpanData only when a page or a
// script reads a trace.
//
// The bytes are this process's own (host byte order, no versioning): never written to
// disk or sent anywhere.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/trace/span_data.hpp"

namespace telemetry::trace_view {

// Appends `span` to `out`.
void append_span(std::string& out, const SpanData& span);

// Decodes the span at the front of `in` and moves `in` past it; nullopt when `in` does
// not start with a whole span (never the case for bytes append_span wrote).
std::optional<SpanData> read_span(std::string_view& in);

}  // namespace telemetry::trace_view
