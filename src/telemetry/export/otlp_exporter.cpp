#include "telemetry/export/otlp_exporter.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>

namespace telemetry {
namespace otlp {

namespace {

constexpr std::string_view kTarget = "otlp";

class OtlpExporter final : public SpanExporter {
 public:
  OtlpExporter(const OtlpConfig& config, std::unique_ptr<OtlpTransport> transport,
               const logs::Logger& logger, ExporterOptions options)
      : config_(config),
        description_("otlp " + std::string(to_string(config.protocol)) + " " + config.endpoint),
        transport_(std::move(transport)),
        logger_(logger),
        options_(std::move(options)) {
    if (!options_.random01) {
      options_.random01 = [engine = std::minstd_rand(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
      };
    }
  }

  ExportResult export_spans(std::span<const SpanData> batch,
                            std::chrono::steady_clock::time_point deadline) noexcept override {
    ExportResult result;
    if (shut_down_.load()) {
      result.code = ExportResult::Code::failure;
      result.message = "exporter is shut down";
      return result;
    }
    if (batch.empty()) return result;
    try {
      std::size_t oversized = 0;
      const auto counts = transport_->prepare(batch, config_.max_request_bytes, oversized);
      if (oversized > 0) report_oversized(oversized, result);
      std::size_t failed_spans = 0;
      std::string last_error;
      for (std::size_t i = 0; i < counts.size(); ++i) {
        if (!send_with_retries(i, counts[i], deadline, result, last_error)) {
          failed_spans += counts[i];
        }
      }
      if (failed_spans > 0) {
        result.code = ExportResult::Code::failure;
        result.message = std::to_string(failed_spans) + " of " + std::to_string(batch.size()) +
                         " spans not exported: " + last_error;
      }
    } catch (const std::exception& e) {  // encoding ran out of memory, or worse
      result.code = ExportResult::Code::failure;
      result.message = std::string("export failed: ") + e.what();
    }
    return result;
  }

  bool force_flush(std::chrono::steady_clock::time_point) noexcept override {
    return true;  // nothing is buffered here: the processor owns the queue
  }

  void shutdown(std::chrono::steady_clock::time_point) noexcept override {
    {
      std::lock_guard lock(mutex_);
      shut_down_.store(true);
    }
    wake_.notify_all();
    transport_->cancel();
  }

  std::string describe() const override { return description_; }

 private:
  // Sends request `index`, retrying within `deadline`. False when its spans are lost.
  bool send_with_retries(std::size_t index, std::size_t span_count,
                         std::chrono::steady_clock::time_point deadline, ExportResult& result,
                         std::string& last_error) {
    for (int retry = 0;; ++retry) {
      const auto now = options_.now();
      if (shut_down_.load()) {
        last_error = "exporter shut down";
        return false;
      }
      const auto attempt_deadline = std::min(deadline, now + config_.timeout);
      SendResult sent = transport_->send(index, attempt_deadline);
      if (sent.outcome == Outcome::success) {
        note_success();
        if (sent.rejected_spans > 0 || !sent.message.empty()) report_partial(sent, result);
        return true;
      }
      last_error = sent.message;
      if (sent.outcome == Outcome::retryable) {
        const auto delay = options_.retry.next_delay(retry + 1, sent.retry_after, options_.now(),
                                                     deadline, options_.random01());
        if (delay) {
          if (logger_.enabled(logs::Level::debug, kTarget)) {
            logger_.debug(kTarget, "export attempt failed; retrying",
                          {{"error", sent.message},
                           {"retry", retry + 1},
                           {"delay_ms", static_cast<std::int64_t>(delay->count())},
                           {"spans", span_count}});
          }
          if (!sleep_for(*delay)) {
            last_error = "exporter shut down during a retry wait";
            return false;
          }
          continue;
        }
        last_error += " (no retry fits before the export deadline)";
      }
      note_failure(sent.outcome, last_error);
      return false;
    }
  }

  // Waits unless shutdown interrupts; false when interrupted.
  bool sleep_for(std::chrono::milliseconds delay) {
    if (options_.sleep) return options_.sleep(delay) && !shut_down_.load();
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, delay, [&] { return shut_down_.load(); });
  }

  void note_success() {
    if (!failing_) return;
    failing_ = false;
    logger_.info(kTarget, "trace export recovered",
                 {{"endpoint", config_.endpoint}, {"failed_requests", failed_requests_}});
    failed_requests_ = 0;
  }

  // One warning per outage: a collector that is down for an hour is one line.
  void note_failure(Outcome outcome, const std::string& error) {
    ++failed_requests_;
    if (failing_) return;
    failing_ = true;
    logger_.warn(kTarget,
                 outcome == Outcome::permanent
                     ? "trace export rejected; spans are being dropped until it succeeds again"
                     : "trace export failing; spans are being dropped until the collector "
                       "is reachable",
                 {{"endpoint", config_.endpoint},
                  {"protocol", to_string(config_.protocol)},
                  {"error", error}});
  }

  void report_partial(const SendResult& sent, ExportResult& result) {
    result.rejected_spans +=
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, sent.rejected_spans));
    if (!sent.message.empty()) result.message = sent.message;
    logger_.warn(kTarget, "collector rejected part of a trace export",
                 {{"rejected_spans", static_cast<std::int64_t>(sent.rejected_spans)},
                  {"error_message", sent.message},
                  {"endpoint", config_.endpoint}});
  }

  void report_oversized(std::size_t count, ExportResult& result) {
    result.rejected_spans += count;
    result.message = std::to_string(count) + " span(s) larger than the " +
                     std::to_string(config_.max_request_bytes) + "-byte request limit were dropped";
    logger_.warn(kTarget, "span too large to export; dropped",
                 {{"spans", count}, {"limit_bytes", config_.max_request_bytes}});
  }

  OtlpConfig config_;
  std::string description_;
  std::unique_ptr<OtlpTransport> transport_;
  const logs::Logger& logger_;
  ExporterOptions options_;
  // Touched only by the export thread.
  bool failing_ = false;
  std::int64_t failed_requests_ = 0;
  // Shutdown may come from another thread.
  std::atomic<bool> shut_down_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace

std::string user_agent() {
  return "realtime-board-otlp/" + std::string(sdk_version());
}

std::unique_ptr<SpanExporter> make_exporter_with_transport(const OtlpConfig& config,
                                                           std::unique_ptr<OtlpTransport> transport,
                                                           const logs::Logger& logger,
                                                           ExporterOptions options) {
  return std::make_unique<OtlpExporter>(config, std::move(transport), logger, std::move(options));
}

}  // namespace otlp

std::unique_ptr<SpanExporter> make_otlp_exporter(OtlpConfig config, Resource resource,
                                                 const logs::Logger& logger) {
  auto transport = config.protocol == OtlpProtocol::grpc
                       ? otlp::make_grpc_transport(config, std::move(resource))
                       : otlp::make_http_transport(config, std::move(resource));
  return otlp::make_exporter_with_transport(config, std::move(transport), logger);
}

}  // namespace telemetry
