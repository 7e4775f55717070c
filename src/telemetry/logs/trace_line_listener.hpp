#pragma once
// A hook for log lines written inside a trace: the logger hands each such line, in
// its JSON form (redacted and escaped like every line it writes), to a listener such
// as the built-in trace view, which keeps it with its trace. Called on the thread that
// logs: it must be cheap and must never block.

#include <string>

#include "telemetry/trace/span_context.hpp"

namespace telemetry::logs {

class TraceLineListener {
 public:
  virtual ~TraceLineListener() = default;
  // `json_line`: one JSON object ending in '\n'; the listener may keep it.
  virtual void on_trace_line(const SpanContext& span, std::string json_line) noexcept = 0;
};

}  // namespace telemetry::logs
