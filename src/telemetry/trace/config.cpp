#include "telemetry/trace/config.hpp"
#include "telemetry/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace telemetry {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The spec treats an empty value as unset.
std::optional<std::string_view> read(const EnvLookup& getenv, const char* name) {
  const char* value = getenv ? getenv(name) : nullptr;
  if (value == nullptr) return std::nullopt;
  const std::string_view trimmed = text::trim_space(value);
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

std::string quoted(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  out.append(value);
  out.push_back('"');
  return out;
}

// A non-negative integer, or the default with a warning.
std::size_t read_count(const EnvLookup& getenv, const char* name, std::size_t fallback,
                       std::vector<std::string>& warnings, bool allow_zero = true) {
  const auto text = read(getenv, name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || (!allow_zero && value == 0)) {
    warnings.push_back(std::string(name) + "=" + quoted(*text) + " is not a valid " +
                       (allow_zero ? "non-negative" : "positive") + " integer; using " +
                       std::to_string(fallback));
    return fallback;
  }
  return static_cast<std::size_t>(value);
}

// The span-specific variable wins over the general one (spec: model-specific limits
// take precedence).
std::size_t read_limit(const EnvLookup& getenv, const char* specific, const char* general,
                       std::size_t fallback, std::vector<std::string>& warnings) {
  const std::size_t general_value = read_count(getenv, general, fallback, warnings);
  return read_count(getenv, specific, general_value, warnings);
}

std::chrono::milliseconds read_millis(const EnvLookup& getenv, const char* name,
                                      std::chrono::milliseconds fallback,
                                      std::vector<std::string>& warnings) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(
      read_count(getenv, name, static_cast<std::size_t>(fallback.count()), warnings, false)));
}

std::optional<SamplerKind> sampler_kind(std::string_view name) {
  if (name == "always_on") return SamplerKind::always_on;
  if (name == "always_off") return SamplerKind::always_off;
  if (name == "traceidratio") return SamplerKind::traceidratio;
  if (name == "parentbased_always_on") return SamplerKind::parentbased_always_on;
  if (name == "parentbased_always_off") return SamplerKind::parentbased_always_off;
  if (name == "parentbased_traceidratio") return SamplerKind::parentbased_traceidratio;
  return std::nullopt;
}

bool uses_ratio(SamplerKind kind) {
  return kind == SamplerKind::traceidratio || kind == SamplerKind::parentbased_traceidratio;
}

SamplerConfig read_sampler(const EnvLookup& getenv, std::vector<std::string>& warnings) {
  SamplerConfig config;
  if (const auto name = read(getenv, "OTEL_TRACES_SAMPLER")) {
    if (const auto kind = sampler_kind(lowercase(*name))) {
      config.kind = *kind;
    } else {
      warnings.push_back("OTEL_TRACES_SAMPLER=" + quoted(*name) +
                         " is not a supported sampler; using parentbased_always_on");
    }
  }
  const auto arg = read(getenv, "OTEL_TRACES_SAMPLER_ARG");
  if (!uses_ratio(config.kind) || !arg) return config;
  double ratio = 0;
  const auto [end, ec] = std::from_chars(arg->data(), arg->data() + arg->size(), ratio);
  if (ec != std::errc() || end != arg->data() + arg->size() || !(ratio >= 0.0 && ratio <= 1.0)) {
    warnings.push_back("OTEL_TRACES_SAMPLER_ARG=" + quoted(*arg) +
                       " is not a ratio between 0 and 1; using 1.0");
    return config;
  }
  config.ratio = ratio;
  return config;
}

BatchConfig read_batch(const EnvLookup& getenv, std::vector<std::string>& warnings) {
  BatchConfig config;
  config.schedule_delay =
      read_millis(getenv, "OTEL_BSP_SCHEDULE_DELAY", config.schedule_delay, warnings);
  config.export_timeout =
      read_millis(getenv, "OTEL_BSP_EXPORT_TIMEOUT", config.export_timeout, warnings);
  config.max_queue_size =
      read_count(getenv, "OTEL_BSP_MAX_QUEUE_SIZE", config.max_queue_size, warnings, false);
  config.max_export_batch_size = read_count(getenv, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                            config.max_export_batch_size, warnings, false);
  if (config.max_export_batch_size > config.max_queue_size) {
    warnings.push_back("OTEL_BSP_MAX_EXPORT_BATCH_SIZE (" +
                       std::to_string(config.max_export_batch_size) +
                       ") is larger than OTEL_BSP_MAX_QUEUE_SIZE (" +
                       std::to_string(config.max_queue_size) + "); using the queue size");
    config.max_export_batch_size = config.max_queue_size;
  }
  return config;
}

SpanLimits read_limits(const EnvLookup& getenv, std::vector<std::string>& warnings) {
  SpanLimits limits;
  limits.attribute_count =
      read_limit(getenv, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
                 limits.attribute_count, warnings);
  limits.attribute_value_length =
      read_limit(getenv, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                 "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", limits.attribute_value_length, warnings);
  limits.event_count =
      read_count(getenv, "OTEL_SPAN_EVENT_COUNT_LIMIT", limits.event_count, warnings);
  limits.link_count = read_count(getenv, "OTEL_SPAN_LINK_COUNT_LIMIT", limits.link_count, warnings);
  limits.event_attribute_count =
      read_limit(getenv, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
                 limits.event_attribute_count, warnings);
  limits.link_attribute_count =
      read_limit(getenv, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
                 limits.link_attribute_count, warnings);
  return limits;
}

// OTEL_TRACES_EXPORTER: a comma list of otlp, console, none.
void read_exporters(const EnvLookup& getenv, TracingConfig& config) {
  const auto list = read(getenv, "OTEL_TRACES_EXPORTER");
  const bool endpoint = read(getenv, "OTEL_EXPORTER_OTLP_ENDPOINT").has_value() ||
                        read(getenv, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").has_value();
  if (!list) {
    config.enabled = endpoint;
    if (endpoint) config.exporters.push_back(ExporterKind::otlp);
    return;
  }
  bool named_any = false;
  std::string_view rest = *list;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string name = lowercase(text::trim_space(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::optional<ExporterKind> kind;
    if (name == "otlp")
      kind = ExporterKind::otlp;
    else if (name == "console")
      kind = ExporterKind::console;
    else if (name == "none")
      named_any = true;
    else if (!name.empty()) {
      config.warnings.push_back("OTEL_TRACES_EXPORTER names an unsupported exporter " +
                                quoted(name) + " (supported: otlp, console, none); ignored");
    }
    if (kind && std::find(config.exporters.begin(), config.exporters.end(), *kind) ==
                    config.exporters.end()) {
      config.exporters.push_back(*kind);
      named_any = true;
    }
  }
  config.enabled = named_any;
}

}  // namespace

TracingConfig TracingConfig::from_env(const EnvLookup& getenv) {
  TracingConfig config;
  if (const auto disabled = read(getenv, "OTEL_SDK_DISABLED")) {
    const std::string value = lowercase(*disabled);
    if (value == "true") {
      config.sdk_disabled = true;
    } else if (value != "false") {
      config.warnings.push_back("OTEL_SDK_DISABLED=" + quoted(*disabled) +
                                " is not true or false; tracing stays enabled");
    }
  }
  read_exporters(getenv, config);
  config.sampler = read_sampler(getenv, config.warnings);
  config.limits = read_limits(getenv, config.warnings);
  config.batch = read_batch(getenv, config.warnings);
  if (config.sdk_disabled) {
    config.enabled = false;
    config.exporters.clear();
  }
  return config;
}

std::string_view to_string(SamplerKind kind) noexcept {
  switch (kind) {
    case SamplerKind::always_on:
      return "always_on";
    case SamplerKind::always_off:
      return "always_off";
    case SamplerKind::traceidratio:
      return "traceidratio";
    case SamplerKind::parentbased_always_on:
      return "parentbased_always_on";
    case SamplerKind::parentbased_always_off:
      return "parentbased_always_off";
    case SamplerKind::parentbased_traceidratio:
      return "parentbased_traceidratio";
  }
  return "unknown";
}

std::string_view to_string(ExporterKind kind) noexcept {
  return kind == ExporterKind::otlp ? "otlp" : "console";
}

}  // namespace telemetry
