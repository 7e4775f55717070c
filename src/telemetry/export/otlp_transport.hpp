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

// A transport holds this many prepared batches at once: one whose requests are being
// sent while the next is encoded (otlp_exporter.cpp).
inline constexpr std::size_t kRequestSlots = 2;

class OtlpTransport {
 public:
  virtual ~OtlpTransport() = default;
  // Encodes `batch` into requests of at most `max_bytes` each in `slot` (below
  // kRequestSlots), replacing what that slot held. Returns the number of spans in each
  // request; spans too large even alone are left out and counted in `oversized`. Runs
  // on one thread while send() may run on another for the other slot.
  virtual std::vector<std::size_t> prepare(std::size_t slot, SpanBatch batch, std::size_t max_bytes,
                                           std::size_t& oversized) = 0;
  // Sends prepared request `index` of `slot` once, giving up at `deadline`. One send
  // at a time.
  virtual SendResult send(std::size_t slot, std::size_t index,
                          std::chrono::steady_clock::time_point deadline) noexcept = 0;
  // Aborts a send in progress on another thread (shutdown).
  virtual void cancel() noexcept = 0;
};

}  // namespace telemetry::otlp
