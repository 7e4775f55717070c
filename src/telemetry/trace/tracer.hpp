#pragma once
// Starts spans. One Tracer per process, owned by the TracerProvider, which also owns
// the processors and must outlive every span. Thread-safe; no thread-local "current
// span": the parent is always passed in (see telemetry::Context).
//
//   auto provider = TracerProvider::create(config, resource, std::move(processors));
//   Span span = provider->tracer().start_span("GET /boards/{id}", SpanKind::server,
//                                             extracted_parent);
//
// Span attributes are chosen by the caller and must never carry secrets
// (Authorization, cookies, tokens, passwords): the SDK exports what it is given.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "telemetry/trace/config.hpp"
#include "telemetry/trace/processor.hpp"
#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/sampler.hpp"
#include "telemetry/trace/span.hpp"

namespace telemetry {

namespace detail {
struct SpanRecord;
}

class Tracer {
 public:
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // `parent`: an extracted remote context, a local span's context, or invalid (a new
  // trace). A parent with a valid trace id but a zero span id (the x-trace-id
  // fallback) continues that trace id as a root span. The span always has a valid
  // context; it records only when tracing is enabled and the sampler says so.
  Span start_span(std::string_view name, SpanKind kind, const SpanContext& parent,
                  Attributes initial = {}) noexcept;

  bool enabled() const noexcept { return enabled_; }
  // True when a processor asked for unsampled spans too: every span started while
  // tracing is enabled records (export still follows the sampled flag).
  bool records_unsampled() const noexcept { return record_unsampled_; }
  const SpanLimits& limits() const noexcept { return limits_; }
  const Sampler& sampler() const noexcept { return *sampler_; }

 private:
  friend class Span;
  friend class TracerProvider;
  Tracer(bool enabled, bool entry_spans_only, SpanLimits limits, std::unique_ptr<Sampler> sampler,
         const std::vector<std::unique_ptr<SpanProcessor>>& processors);

  void end_span(detail::SpanRecord* record) noexcept;

  bool enabled_;
  bool entry_spans_only_;  // TracingConfig::entry_spans_only
  bool record_unsampled_;
  SpanLimits limits_;
  std::unique_ptr<Sampler> sampler_;
  const std::vector<std::unique_ptr<SpanProcessor>>& processors_;
};

class TracerProvider {
 public:
  // The sampler comes from config.sampler unless one is given (tests, custom rules).
  static std::unique_ptr<TracerProvider> create(
      TracingConfig config, Resource resource,
      std::vector<std::unique_ptr<SpanProcessor>> processors,
      std::unique_ptr<Sampler> sampler = nullptr);

  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;
  // Shuts down (with a deadline of at most 5 s) if shutdown() was not called.
  ~TracerProvider();

  Tracer& tracer() noexcept { return *tracer_; }
  const Resource& resource() const noexcept { return resource_; }
  const TracingConfig& config() const noexcept { return config_; }

  // Every processor, one shared deadline. True when all finished in time.
  bool force_flush(std::chrono::steady_clock::time_point deadline) noexcept;
  // Flushes and stops every processor by `deadline`, even if an exporter hangs.
  // Idempotent; spans ended afterwards are dropped (and counted).
  bool shutdown(std::chrono::steady_clock::time_point deadline) noexcept;

  // Each processor's counters (queued, exported, dropped, failed, last export).
  std::vector<ProcessorStats> stats() const;

 private:
  TracerProvider(TracingConfig config, Resource resource,
                 std::vector<std::unique_ptr<SpanProcessor>> processors,
                 std::unique_ptr<Sampler> sampler);

  TracingConfig config_;
  Resource resource_;
  std::vector<std::unique_ptr<SpanProcessor>> processors_;
  std::unique_ptr<Tracer> tracer_;
  std::mutex shutdown_mutex_;
  bool shut_down_ = false;
};

}  // namespace telemetry
