#include "app/telemetry_setup.hpp"

#include <unistd.h>

#include "app/trace_view_routes.hpp"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/http/health_check_sampler.hpp"
#include "telemetry/trace/batch_span_processor.hpp"
#include "telemetry/trace/console_exporter.hpp"

namespace app {

namespace {

std::unique_ptr<telemetry::SpanExporter> make_exporter(
    telemetry::ExporterKind kind, const telemetry::EnvLookup& getenv,
    const telemetry::Resource& resource, std::shared_ptr<const telemetry::logs::Logger> logger) {
  if (kind == telemetry::ExporterKind::console) {
    return std::make_unique<telemetry::ConsoleSpanExporter>(resource, STDERR_FILENO);
  }
  return telemetry::make_otlp_exporter(telemetry::OtlpConfig::from_env(getenv), resource,
                                       std::move(logger));
}

std::shared_ptr<telemetry::trace_view::TraceView> make_trace_view(
    const TraceViewSettings& settings) {
  telemetry::trace_view::TraceViewOptions options;
  options.limits.max_bytes = settings.max_bytes;
  options.limits.max_traces = settings.max_traces;
  options.limits.slow = settings.slow;
  options.limits.ignored_root_prefixes = trace_view_span_prefixes();
  return std::make_shared<telemetry::trace_view::TraceView>(std::move(options));
}

}  // namespace

std::variant<Telemetry, TelemetryError> setup_telemetry(
    const telemetry::EnvLookup& getenv, const std::vector<std::string>& unsampled_spans,
    const TraceViewSettings& view_settings, bool entry_spans_only) {
  auto log_options = telemetry::logs::LoggerOptions::from_env(getenv, isatty(STDOUT_FILENO) == 1);
  if (!log_options) return TelemetryError{log_options.error()};
  telemetry::TracingConfig config = telemetry::TracingConfig::from_env(getenv);
  config.entry_spans_only = entry_spans_only;
  std::shared_ptr<telemetry::trace_view::TraceView> view;
  if (view_settings.enabled && !config.sdk_disabled) {
    view = make_trace_view(view_settings);
    log_options->trace_lines = view;
    config.enabled = true;  // the view needs spans, exporter or not
  }
  auto logger = telemetry::logs::try_make_logger(std::move(*log_options));
  if (!logger) return TelemetryError{logger.error()};

  Telemetry result;
  result.logger = std::move(*logger);
  result.trace_view = view;
  result.warnings = config.warnings;
  telemetry::Resource resource = telemetry::Resource::from_env(getenv, result.warnings);

  std::vector<std::unique_ptr<telemetry::SpanProcessor>> processors;
  if (view) processors.push_back(std::make_unique<telemetry::trace_view::TraceViewProcessor>(view));
  if (config.enabled) {
    try {
      for (const auto kind : config.exporters) {
        auto exporter = make_exporter(kind, getenv, resource, result.logger);
        if (!result.exporters_description.empty()) result.exporters_description += ", ";
        result.exporters_description += exporter->describe();
        const telemetry::logs::Logger* logger_for_warnings = result.logger.get();
        processors.push_back(std::make_unique<telemetry::BatchSpanProcessor>(
            std::move(exporter), config.batch, [logger_for_warnings](std::string_view warning) {
              logger_for_warnings->warn("telemetry", warning);
            }));
      }
    } catch (const telemetry::OtlpConfigError& error) {
      std::string message;
      for (const auto& line : error.errors()) message += (message.empty() ? "" : "; ") + line;
      return TelemetryError{message};
    }
  }
  auto sampler = std::make_unique<telemetry::http::HealthCheckSampler>(
      telemetry::make_sampler(config.sampler), unsampled_spans);
  result.sampler_description = sampler->description();
  result.tracing = telemetry::TracerProvider::create(std::move(config), std::move(resource),
                                                     std::move(processors), std::move(sampler));
  return result;
}

void Telemetry::log_startup() const {
  for (const auto& warning : warnings) logger->warn("telemetry", warning);
  const auto& config = tracing->config();
  const std::string_view service = tracing->resource().get_string("service.name");
  if (!config.enabled) {
    logger->info("telemetry", "tracing off: logs only",
                 {{"service_name", service},
                  {"reason", config.sdk_disabled ? "OTEL_SDK_DISABLED=true"
                                                 : "no OTEL_EXPORTER_OTLP_ENDPOINT or "
                                                   "OTEL_TRACES_EXPORTER set"}});
    return;
  }
  logger->info("telemetry", "tracing on",
               {{"service_name", service},
                {"exporters", exporters_description.empty() ? "none" : exporters_description},
                {"sampler", sampler_description},
                {"spans", config.entry_spans_only ? "entry" : "all"},
                {"trace_view", trace_view ? "on" : "off"}});
}

bool Telemetry::shutdown(std::chrono::steady_clock::time_point spans_deadline,
                         std::chrono::steady_clock::time_point logs_deadline) const {
  const bool flushed = tracing->shutdown(spans_deadline);
  // Totals at exit: a drop is never silent (what opentelemetry-cpp users asked for).
  for (const auto& stats : tracing->stats()) {
    logger->log(stats.dropped + stats.failed > 0 || !flushed ? telemetry::logs::Level::warn
                                                             : telemetry::logs::Level::info,
                "telemetry", "span export totals",
                {{"pipeline", stats.name},
                 {"exported", static_cast<std::int64_t>(stats.exported)},
                 {"dropped", static_cast<std::int64_t>(stats.dropped)},
                 {"failed", static_cast<std::int64_t>(stats.failed)},
                 {"batches", static_cast<std::int64_t>(stats.batches)},
                 {"yields", static_cast<std::int64_t>(stats.yields)},
                 {"flushed_in_time", flushed}});
  }
  if (trace_view) trace_view->stop();
  logger->shutdown(logs_deadline);
  return flushed;
}

}  // namespace app
