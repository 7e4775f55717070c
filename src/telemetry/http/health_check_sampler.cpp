#include "telemetry/http/health_check_sampler.hpp"

#include <algorithm>

namespace telemetry::http {

HealthCheckSampler::HealthCheckSampler(std::unique_ptr<Sampler> inner,
                                       std::vector<std::string> skipped_span_names)
    : inner_(std::move(inner)), skipped_(std::move(skipped_span_names)) {}

SamplingDecision HealthCheckSampler::should_sample(const SpanContext& parent,
                                                   const TraceId& trace_id, std::string_view name,
                                                   SpanKind kind,
                                                   const Attributes& attributes) const noexcept {
  if (kind == SpanKind::server &&
      std::find(skipped_.begin(), skipped_.end(), name) != skipped_.end()) {
    return SamplingDecision::drop;
  }
  return inner_->should_sample(parent, trace_id, name, kind, attributes);
}

std::string HealthCheckSampler::description() const {
  std::string names;
  for (const auto& name : skipped_) names += (names.empty() ? "" : ", ") + name;
  return inner_->description() + " (never: " + names + ")";
}

}  // namespace telemetry::http
