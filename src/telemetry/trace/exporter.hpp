#pragma once
// Where finished spans go: OTLP over gRPC or HTTP, the console, or a test double.
// Called from one export thread at a time; only stage runs on request threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "telemetry/trace/span_batch.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry {

struct ExportResult {
  enum class Code { success, failure } code = Code::success;
  std::uint64_t rejected_spans = 0;  // partial success: the receiver refused these
  std::string message;               // what went wrong, for the pipeline status
};

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
  // Called by the batch processor on the thread that ended `span`, before it is queued,
  // from many threads at once: an exporter may write its own form of the span (its
  // wire bytes) into `staged` there, while the span's memory is still in that core's
  // cache, and return true. Read from another core later, one contiguous buffer costs
  // far fewer cache misses than the span's scattered strings. A staged span waits in
  // the queue as those bytes alone (the span itself goes back to the tracer's pool)
  // and reaches export_spans as SpanBatch::staged(i), with no span to read. The bytes
  // are the exporter's business: the processor only keeps and returns them. Must not
  // touch shared mutable state. The default stages nothing: the processor then keeps
  // the shared span, and export_spans reads it.
  virtual bool stage(const SpanData& /*span*/, std::string& /*staged*/) const noexcept {
    return false;
  }
  // Sends one batch; retries what the protocol says is retryable until `deadline`.
  virtual ExportResult export_spans(SpanBatch batch,
                                    std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // What the batch processor calls: export_spans, calling `batch_read` once the
  // exporter no longer reads `batch` (it has encoded it), so that the processor can
  // give the batch's queue entries back to the threads that end spans while the
  // request is on the network. An exporter that keeps reading the batch until it is
  // sent keeps the default, which calls `batch_read` when export_spans returns.
  virtual ExportResult export_releasing(SpanBatch batch,
                                        std::chrono::steady_clock::time_point deadline,
                                        const std::function<void()>& batch_read) noexcept {
    ExportResult result = export_spans(batch, deadline);
    batch_read();
    return result;
  }
  virtual bool force_flush(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  virtual void shutdown(std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // For the start-up line: "otlp grpc http://localhost:4317", "console"...
  virtual std::string describe() const = 0;
};

}  // namespace telemetry
