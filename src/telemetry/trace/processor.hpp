#pragma once
// What happens to a span when it ends: queued for export (batch processor), kept for
// the built-in trace view (later), or both (a fan-out of processors).
// on_end is on the request thread: it must be cheap and must never block.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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
  std::size_t queue_size = 0;  // now, including the batch being exported
  std::size_t queue_capacity = 0;
  bool last_export_ok = true;
  std::string last_export_message;  // the exporter's message when it failed
  UnixNanos last_export_time = 0;   // wall clock; 0 before the first export
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
  // Called for every recorded span, sampled or not (span.context.sampled() says);
  // an exporting processor ignores unsampled ones. After the call `span` is valid
  // but unspecified: a processor may swap recycled storage into it (vectors and
  // strings keep their capacity), which the tracer reuses for the next span, so that
  // no span is allocated on one thread and freed on another.
  virtual void on_end(SpanData&& span) noexcept = 0;
  virtual bool force_flush(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  virtual bool shutdown(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // Appends this processor's counters (a fan-out appends each of its parts').
  virtual void append_stats(std::vector<ProcessorStats>& /*out*/) const {}
};

}  // namespace telemetry
