#pragma once
// The spec's batch span processor: ended (sampled) spans go into a bounded queue and
// one export thread sends them in batches of at most max_export_batch_size, when a
// full batch is waiting or every schedule_delay, and on force_flush/shutdown (also in
// batches of at most that size: never one oversized request).
//
// Ending a span never blocks on the network: on_end is a short critical section that
// puts the span into a preallocated queue entry: a handle on the shared span (no copy),
// or only the bytes the exporter staged for it on this thread (SpanExporter::stage).
// The queue is split into lanes, one per thread as far as they go, so that request
// threads ending spans at once do not queue on one lock (span_queue.hpp). When a full
// batch is waiting the export thread sends full batches only, taken
// oldest first from the lanes in turn; what is left waits for the next full batch or
// the timer. When the whole queue is full the span is dropped and counted; the first
// drop of an episode and its end are reported through the warning sink from the
// export thread. The queue bound counts the batch being exported until the exporter
// has read it (SpanExporter::export_releasing: the OTLP exporter has encoded it by
// then), so at most max_queue_size spans are ever held, plus one encoded batch on its
// way to the collector. Spans from different lanes may be exported in a different
// order than they ended.

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>

#include "telemetry/trace/config.hpp"
#include "telemetry/trace/exporter.hpp"
#include "telemetry/trace/processor.hpp"

namespace telemetry {

class BatchSpanProcessor final : public SpanProcessor {
 public:
  // Called from the export thread only; the default writes one line to stderr.
  using WarningSink = std::function<void(std::string_view)>;

  BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchConfig config,
                     WarningSink warn = {});
  // Shuts down with a deadline of config.export_timeout if shutdown() was not called.
  ~BatchSpanProcessor() override;

  void on_end(FinishedSpan span) noexcept override;
  // Exports everything queued before the call; true when done by `deadline`.
  bool force_flush(std::chrono::steady_clock::time_point deadline) noexcept override;
  // Exports what is queued, then shuts the exporter down. Returns by `deadline` even if
  // the exporter hangs (the export thread is then left to finish on its own and
  // cleans up after itself); false in that case. Idempotent.
  bool shutdown(std::chrono::steady_clock::time_point deadline) noexcept override;
  void append_stats(std::vector<ProcessorStats>& out) const override;

  ProcessorStats stats() const;

 private:
  struct State;
  class ExportThread;  // the export thread's loop, one step per function
  static void run(std::shared_ptr<State> state) noexcept;

  std::shared_ptr<State> state_;  // shared with the export thread
  std::thread worker_;
};

}  // namespace telemetry
