#pragma once
// The part of an OTLP exporter that differs per protocol: how a batch is encoded into
// requests and how one request is sent. The exporter above it owns retries, the
// deadline and logging.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "telemetry/export/otlp_retry.hpp"
#include "telemetry/trace/span_batch.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp {

struct SendResult {
  Outcome outcome = Outcome::success;
  std::optional<std::chrono::milliseconds> retry_after;  // the server's RetryInfo/Retry-After
  std::int64_t rejected_spans = 0;                       // partial success
  std::string message;  // the error, or the partial success's error_message
};

class OtlpTransport {
 public:
  virtual ~OtlpTransport() = default;
  // Encodes `batch` into requests of at most `max_bytes` each, replacing what the
  // previous call prepared. Returns the number of spans in each request; spans too
  // large even alone are left out and counted in `oversized`.
  virtual std::vector<std::size_t> prepare(SpanBatch batch, std::size_t max_bytes,
                                           std::size_t& oversized) = 0;
  // Sends prepared request `index` once, giving up at `deadline`.
  virtual SendResult send(std::size_t index,
                          std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // Aborts a send in progress on another thread (shutdown).
  virtual void cancel() noexcept = 0;
};

}  // namespace telemetry::otlp
