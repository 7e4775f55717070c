#include "telemetry/export/otlp_exporter.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <vector>

#include "telemetry/export/otlp_failure_hint.hpp"
#include "telemetry/export/otlp_proto_wire.hpp"

namespace telemetry {
namespace otlp {

namespace {

constexpr std::string_view kTarget = "otlp";

class OtlpExporter final : public SpanExporter {
 public:
  OtlpExporter(const OtlpConfig& config, std::unique_ptr<OtlpTransport> transport,
               std::shared_ptr<const logs::Logger> logger, ExporterOptions options)
      : config_(config),
        description_("otlp " + std::string(to_string(config.protocol)) + " " + config.endpoint),
        transport_(std::move(transport)),
        logger_(std::move(logger)),
        options_(std::move(options)) {
    if (!options_.random01) {
      options_.random01 = [engine = std::minstd_rand(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
      };
    }
  }

  // gRPC and HTTP/protobuf send the same protobuf bytes: write them on the thread that
  // ended the span (see SpanExporter::stage). JSON is written per batch.
  bool stage(const SpanData& span, std::string& staged) const noexcept override {
    if (config_.protocol == OtlpProtocol::http_json) return false;
    try {
      stage_span(span, staged);
      return true;
    } catch (...) {
      return false;  // out of memory: the export thread encodes the span instead
    }
  }

  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) noexcept override {
    return export_releasing(batch, deadline, [] {});
  }

  // The transport encodes the whole batch into its own request buffers before the
  // first send: the batch is read by then, and its queue entries can take new spans
  // while the requests are on the network (or waiting out a retry).
  ExportResult export_releasing(SpanBatch batch, std::chrono::steady_clock::time_point deadline,
                                const std::function<void()>& batch_read) noexcept override {
    ExportResult result;
    if (shut_down_.load()) {
      result.code = ExportResult::Code::failure;
      result.message = "exporter is shut down";
      return result;
    }
    if (batch.empty()) return result;
    const std::size_t batch_size = batch.size();
    try {
      std::size_t oversized = 0;
      const auto counts = transport_->prepare(batch, config_.max_request_bytes, oversized);
      batch_read();
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
        result.message = std::to_string(failed_spans) + " of " + std::to_string(batch_size) +
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
  // Sends request `index` and, unless the collector is already known to be down,
  // retries it within `deadline`. False when its spans are lost.
  //
  // While an outage lasts each request gets ONE attempt: the request that found the
  // collector down has already spent its retry budget on it, so later ones would only
  // hold the queue (and a shutdown) for the export timeout each to learn the same thing.
  // The first success ends the outage and brings the normal back-off back. A request is
  // either acknowledged once or given up, so nothing is delivered twice by us.
  bool send_with_retries(std::size_t index, std::size_t span_count,
                         std::chrono::steady_clock::time_point deadline, ExportResult& result,
                         std::string& last_error) {
    const bool known_down = failing_;
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
      // An attempt cut short by our own shutdown says nothing about the collector.
      if (shut_down_.load()) break;
      note_failed_attempt(sent);
      if (sent.outcome == Outcome::retryable) {
        if (known_down) {
          last_error += " (collector down: one attempt per request until it answers again)";
          break;
        }
        const auto delay = options_.retry.next_delay(retry + 1, sent.retry_after, options_.now(),
                                                     deadline, options_.random01());
        if (delay) {
          if (logger_->enabled(logs::Level::debug, kTarget)) {
            logger_->debug(kTarget, "export attempt failed; retrying",
                           {{"error", sent.message},
                            {"retry", retry + 1},
                            {"delay_ms", static_cast<std::int64_t>(delay->count())},
                            {"spans", span_count}});
          }
          if (!sleep_for(*delay)) {
            last_error = "exporter shut down during a retry wait";
            break;
          }
          continue;
        }
        last_error += " (no retry fits before the export deadline)";
      }
      break;
    }
    ++outage_.lost_requests;
    outage_.lost_spans += static_cast<std::int64_t>(span_count);
    if (logger_->enabled(logs::Level::debug, kTarget)) {
      logger_->debug(kTarget, "export request given up; its spans are dropped",
                     {{"error", last_error}, {"spans", span_count}});
    }
    return false;
  }

  // Waits unless shutdown interrupts; false when interrupted.
  bool sleep_for(std::chrono::milliseconds delay) {
    if (options_.sleep) return options_.sleep(delay) && !shut_down_.load();
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, delay, [&] { return shut_down_.load(); });
  }

  // One info line when an outage ends: how long it lasted and what it cost.
  void note_success() {
    if (!failing_) return;
    failing_ = false;
    const auto lasted =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.now() - outage_.started);
    logger_->info(kTarget, "trace export recovered",
                  {{"endpoint", config_.endpoint},
                   {"protocol", to_string(config_.protocol)},
                   {"outage_ms", static_cast<std::int64_t>(lasted.count())},
                   {"failed_requests", outage_.lost_requests},
                   {"failed_attempts", outage_.failed_attempts},
                   {"dropped_spans", outage_.lost_spans}});
    outage_ = {};
  }

  // One warning per outage, at its first failed attempt (not when a request is finally
  // given up, which can be the whole export timeout later): a collector that is down
  // for an hour is one line. Later failures are debug lines.
  void note_failed_attempt(const SendResult& sent) {
    ++outage_.failed_attempts;
    if (failing_) return;  // the retry or give-up debug line tells the rest
    failing_ = true;
    outage_.started = options_.now();
    if (!logger_->enabled(logs::Level::warn, kTarget)) return;
    const std::string_view hint = failure_hint(sent.message, config_.uses_tls());
    std::vector<logs::Field> fields = {{"endpoint", config_.endpoint},
                                       {"protocol", to_string(config_.protocol)},
                                       {"error", sent.message}};
    if (!hint.empty()) fields.emplace_back("hint", hint);
    logger_->write(logs::Level::warn, kTarget,
                   sent.outcome == Outcome::permanent
                       ? "trace export failing: the collector rejected a request; spans are "
                         "dropped until an export succeeds again"
                       : "trace export failing: the collector is unreachable; retrying, then "
                         "dropping spans until it answers again",
                   fields, nullptr);
  }

  void report_partial(const SendResult& sent, ExportResult& result) {
    result.rejected_spans +=
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, sent.rejected_spans));
    if (!sent.message.empty()) result.message = sent.message;
    logger_->warn(kTarget, "collector rejected part of a trace export",
                  {{"rejected_spans", static_cast<std::int64_t>(sent.rejected_spans)},
                   {"error_message", sent.message},
                   {"endpoint", config_.endpoint}});
  }

  void report_oversized(std::size_t count, ExportResult& result) {
    result.rejected_spans += count;
    result.message = std::to_string(count) + " span(s) larger than the " +
                     std::to_string(config_.max_request_bytes) + "-byte request limit were dropped";
    logger_->warn(kTarget, "span too large to export; dropped",
                  {{"spans", count}, {"limit_bytes", config_.max_request_bytes}});
  }

  OtlpConfig config_;
  std::string description_;
  std::unique_ptr<OtlpTransport> transport_;
  // Shared: a shutdown that times out leaves the export thread running with this
  // exporter, and the thread may still log after the caller has let the logger go.
  std::shared_ptr<const logs::Logger> logger_;
  ExporterOptions options_;
  // Touched only by the export thread.
  bool failing_ = false;  // an outage is on: from a failed attempt to the next success
  struct Outage {
    std::chrono::steady_clock::time_point started{};
    std::int64_t failed_attempts = 0;
    std::int64_t lost_requests = 0;  // requests given up, their spans dropped
    std::int64_t lost_spans = 0;
  } outage_;
  // Shutdown may come from another thread.
  std::atomic<bool> shut_down_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace

std::string user_agent() {
  return "realtime-board-otlp/" + std::string(sdk_version());
}

std::unique_ptr<SpanExporter> make_exporter_with_transport(
    const OtlpConfig& config, std::unique_ptr<OtlpTransport> transport,
    std::shared_ptr<const logs::Logger> logger, ExporterOptions options) {
  return std::make_unique<OtlpExporter>(config, std::move(transport), std::move(logger),
                                        std::move(options));
}

}  // namespace otlp

std::unique_ptr<SpanExporter> make_otlp_exporter(OtlpConfig config, Resource resource,
                                                 std::shared_ptr<const logs::Logger> logger) {
  auto transport = config.protocol == OtlpProtocol::grpc
                       ? otlp::make_grpc_transport(config, std::move(resource))
                       : otlp::make_http_transport(config, std::move(resource));
  return otlp::make_exporter_with_transport(config, std::move(transport), std::move(logger));
}

}  // namespace telemetry
