#include "telemetry/trace/sampler.hpp"

#include <cmath>
#include <cstdio>

namespace telemetry {

namespace {

constexpr std::uint64_t kMaxThreshold = std::uint64_t{1} << 56;

class AlwaysOn final : public Sampler {
 public:
  SamplingDecision should_sample(const SpanContext&, const TraceId&, std::string_view, SpanKind,
                                 const Attributes&) const noexcept override {
    return SamplingDecision::record_and_sample;
  }
  std::string description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOff final : public Sampler {
 public:
  SamplingDecision should_sample(const SpanContext&, const TraceId&, std::string_view, SpanKind,
                                 const Attributes&) const noexcept override {
    return SamplingDecision::drop;
  }
  std::string description() const override { return "AlwaysOffSampler"; }
};

class TraceIdRatio final : public Sampler {
 public:
  explicit TraceIdRatio(double ratio) : ratio_(ratio), threshold_(ratio_threshold(ratio)) {}
  SamplingDecision should_sample(const SpanContext&, const TraceId& trace_id, std::string_view,
                                 SpanKind, const Attributes&) const noexcept override {
    return trace_id_randomness(trace_id) >= threshold_ ? SamplingDecision::record_and_sample
                                                       : SamplingDecision::drop;
  }
  std::string description() const override {
    char text[64];
    std::snprintf(text, sizeof text, "TraceIdRatioBased{%g}", ratio_);
    return text;
  }

 private:
  double ratio_;
  std::uint64_t threshold_;
};

class ParentBased final : public Sampler {
 public:
  explicit ParentBased(std::unique_ptr<Sampler> root) : root_(std::move(root)) {}
  SamplingDecision should_sample(const SpanContext& parent, const TraceId& trace_id,
                                 std::string_view name, SpanKind kind,
                                 const Attributes& attributes) const noexcept override {
    if (!parent.valid()) return root_->should_sample(parent, trace_id, name, kind, attributes);
    return parent.sampled() ? SamplingDecision::record_and_sample : SamplingDecision::drop;
  }
  std::string description() const override {
    return "ParentBased{root=" + root_->description() + "}";
  }

 private:
  std::unique_ptr<Sampler> root_;
};

}  // namespace

std::uint64_t ratio_threshold(double ratio) noexcept {
  if (!(ratio > 0.0)) return kMaxThreshold;
  if (ratio >= 1.0) return 0;
  const double threshold = std::round((1.0 - ratio) * static_cast<double>(kMaxThreshold));
  return threshold >= static_cast<double>(kMaxThreshold) ? kMaxThreshold
                                                         : static_cast<std::uint64_t>(threshold);
}

std::uint64_t trace_id_randomness(const TraceId& trace_id) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 9; i < 16; ++i) value = (value << 8) | trace_id.bytes[i];
  return value;
}

std::unique_ptr<Sampler> make_always_on_sampler() {
  return std::make_unique<AlwaysOn>();
}
std::unique_ptr<Sampler> make_always_off_sampler() {
  return std::make_unique<AlwaysOff>();
}
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio) {
  return std::make_unique<TraceIdRatio>(ratio);
}
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root) {
  return std::make_unique<ParentBased>(std::move(root));
}

std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config) {
  switch (config.kind) {
    case SamplerKind::always_on:
      return make_always_on_sampler();
    case SamplerKind::always_off:
      return make_always_off_sampler();
    case SamplerKind::traceidratio:
      return make_trace_id_ratio_sampler(config.ratio);
    case SamplerKind::parentbased_always_on:
      return make_parent_based_sampler(make_always_on_sampler());
    case SamplerKind::parentbased_always_off:
      return make_parent_based_sampler(make_always_off_sampler());
    case SamplerKind::parentbased_traceidratio:
      return make_parent_based_sampler(make_trace_id_ratio_sampler(config.ratio));
  }
  return make_parent_based_sampler(make_always_on_sampler());
}

}  // namespace telemetry
