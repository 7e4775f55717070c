#pragma once
// What happens to a span when it ends: queued for export (batch processor), kept for
// an in-process trace view, or both. The tracer calls every processor in turn with a
// handle on the same FinishedSpan: shared and read-only, so a processor that keeps it
// holds a reference, not a copy, and none can spoil it for the next.
// on_end is on the request thread: it must be cheap and must never block.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/trace/finished_span.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry {

// Counters for the debug endpoint and the totals printed at shutdown.
struct ProcessorStats {
  std::string name;            // "batch -> otlp grpc http://alloy:4317"
  std::uint64_t queued = 0;    // spans accepted into the queue
  std::uint64_t exported = 0;  // spans the exporter accepted
  std::uint64_t dropped = 0;   // queue full, or ended after shutdown
  std::uint64_t failed = 0;    // spans in failed batches, or refused by the receiver
  std::uint64_t batches = 0;   // export calls made
  std::uint64_t failed_batches = 0;
  // Times a thread ending spans gave its core away while the export thread was behind
  // (batch_span_processor.cpp, give_way_to_export).
  std::uint64_t yields = 0;
  std::size_t queue_size = 0;  // now, including the batch being exported
  std::size_t queue_capacity = 0;
  bool last_export_ok = true;
  std::string last_export_message;  // the exporter's message when it failed
  UnixNanos last_export_time = 0;   // wall clock; 0 before the first export
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
  // Called for every recorded span, sampled or not (span->context.sampled() says);
  // an exporting processor ignores unsampled ones. Each processor gets its own handle
  // on the same span: to keep the span past the call, move the handle somewhere. The
  // span itself is never copied and never changes.
  virtual void on_end(FinishedSpan span) noexcept = 0;
  // True when this processor wants the spans the sampler did not sample as well (an
  // in-process view of recent traces). The tracer then records every span it starts;
  // the sampled flag still says what the sampler decided, so export and the trace
  // context sent downstream follow the sampler. Asked once, when the tracer is made.
  virtual bool wants_unsampled_spans() const noexcept { return false; }
  virtual bool force_flush(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  virtual bool shutdown(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // Appends this processor's counters (a fan-out appends each of its parts').
  virtual void append_stats(std::vector<ProcessorStats>& /*out*/) const {}
};

}  // namespace telemetry
