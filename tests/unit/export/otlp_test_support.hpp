#pragma once
// Spans for the exporter tests: deterministic ids and contents.

#include <string>

#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp::testing {

inline SpanData make_span(std::uint8_t seed, std::string name = "span") {
  SpanData span;
  for (std::size_t i = 0; i < 16; ++i)
    span.context.trace_id.bytes[i] = static_cast<std::uint8_t>(seed + i);
  for (std::size_t i = 0; i < 8; ++i)
    span.context.span_id.bytes[i] = static_cast<std::uint8_t>(0xa0 + seed + i);
  span.context.flags = kFlagSampled;
  span.name = std::move(name);
  span.kind = SpanKind::server;
  span.start_time = 1'700'000'000'000'000'001ULL;
  span.end_time = 1'700'000'000'123'456'789ULL;
  return span;
}

// A span whose attributes hold about `bytes` of text.
inline SpanData make_large_span(std::uint8_t seed, std::size_t bytes) {
  SpanData span = make_span(seed, "large");
  const std::size_t per_attribute = 64 * 1024;
  for (std::size_t i = 0; bytes > 0; ++i) {
    const std::size_t n = std::min(bytes, per_attribute);
    span.attributes.push_back({"blob." + std::to_string(i), std::string(n, 'x')});
    bytes -= n;
  }
  return span;
}

inline Resource test_resource() {
  Resource resource;
  resource.set("service.name", std::string("test-service"));
  return resource;
}

}  // namespace telemetry::otlp::testing
