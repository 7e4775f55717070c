#pragma once
// Health checks are the busiest and least interesting requests a service serves: a
// load balancer polls them every few seconds. This sampler never records SERVER spans
// with the given names (e.g. "GET /health") and defers to the configured sampler for
// everything else. Their requests still get ids in headers and logs.

#include <memory>
#include <string>
#include <vector>

#include "telemetry/trace/sampler.hpp"

namespace telemetry::http {

class HealthCheckSampler final : public Sampler {
 public:
  HealthCheckSampler(std::unique_ptr<Sampler> inner, std::vector<std::string> skipped_span_names);

  SamplingDecision should_sample(const SpanContext& parent, const TraceId& trace_id,
                                 std::string_view name, SpanKind kind,
                                 const Attributes& attributes) const noexcept override;
  std::string description() const override;

 private:
  std::unique_ptr<Sampler> inner_;
  std::vector<std::string> skipped_;
};

}  // namespace telemetry::http
