#pragma once
// Head sampling: decides when a span starts whether it is recorded and whether it is
// exported (the W3C sampled flag). `record_only` keeps a span in process (the built-in
// trace view) without exporting it or telling downstream services to sample.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "telemetry/trace/attributes.hpp"
#include "telemetry/trace/config.hpp"
#include "telemetry/trace/span.hpp"
#include "telemetry/trace/span_context.hpp"

namespace telemetry {

enum class SamplingDecision : std::uint8_t { drop, record_only, record_and_sample };

class Sampler {
 public:
  virtual ~Sampler() = default;
  // `parent` is invalid for a root span (including a continued x-trace-id, which has a
  // trace id but no span id). Called on the request thread: must be cheap.
  virtual SamplingDecision should_sample(const SpanContext& parent, const TraceId& trace_id,
                                         std::string_view name, SpanKind kind,
                                         const Attributes& attributes) const noexcept = 0;
  // For the start-up line and the debug endpoint: "ParentBased{root=AlwaysOn}".
  virtual std::string description() const = 0;
};

std::unique_ptr<Sampler> make_always_on_sampler();
std::unique_ptr<Sampler> make_always_off_sampler();
// Deterministic by trace id, as the spec's TraceIdRatioBased: the randomness is the
// lower 56 bits (7 bytes) of the trace id, which W3C Level 2 (random flag) guarantees
// random; a trace is sampled when it is at or above the rejection threshold
// (1 - ratio) * 2^56. A trace sampled at some ratio is sampled at every higher ratio.
std::unique_ptr<Sampler> make_trace_id_ratio_sampler(double ratio);
// Follows a valid parent's sampled flag (remote or local); `root` decides otherwise.
std::unique_ptr<Sampler> make_parent_based_sampler(std::unique_ptr<Sampler> root);

std::unique_ptr<Sampler> make_sampler(const SamplerConfig& config);

// The rejection threshold the ratio sampler uses: 2^56 means never, 0 means always.
std::uint64_t ratio_threshold(double ratio) noexcept;
// The lower 56 bits of a trace id as a big-endian number.
std::uint64_t trace_id_randomness(const TraceId& trace_id) noexcept;

}  // namespace telemetry
