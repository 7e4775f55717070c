#pragma once
// SpanData -> OTLP protobuf messages (the generated classes from proto/), used by the
// gRPC and HTTP/protobuf transports.

#include <cstddef>
#include <span>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp {

using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using ExportResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

// Span.flags / Link.flags: the W3C trace flags plus whether the parent (or linked)
// context came from another process.
std::uint32_t span_flags(std::uint8_t trace_flags, bool remote) noexcept;

void to_proto(const SpanData& span, opentelemetry::proto::trace::v1::Span& out);

// One request: the resource, our instrumentation scope, and `spans` in order.
ExportRequest make_request(const Resource& resource, std::span<const SpanData> spans);

// The batch as requests of at most `max_bytes` encoded bytes each. Spans too large to
// be sent even alone are left out and counted in `oversized`.
struct ProtoRequests {
  std::vector<ExportRequest> requests;
  std::vector<std::size_t> span_counts;  // per request
  std::size_t oversized = 0;
};
ProtoRequests encode_proto_requests(const Resource& resource, std::span<const SpanData> batch,
                                    std::size_t max_bytes);

}  // namespace telemetry::otlp
