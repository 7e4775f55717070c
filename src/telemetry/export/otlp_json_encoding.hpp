#pragma once
// SpanData -> OTLP/JSON, written by hand because the OTLP JSON mapping differs from
// protobuf's canonical JSON where it matters: trace and span ids are lowercase hex
// (not base64). Otherwise it follows proto3 JSON: lowerCamelCase names, enums as
// integers, 64-bit integers as decimal strings, fields at their default left out.

#include <cstddef>
#include <string>
#include <vector>

#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/span_batch.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp {

// One span as a JSON object.
void append_json_span(const SpanData& span, std::string& out);

// A whole ExportTraceServiceRequest holding `spans`.
std::string encode_json_request(const Resource& resource, SpanBatch spans);

// The batch as request bodies of at most `max_bytes` each (spans too large to be sent
// alone are left out and counted in `oversized`).
struct JsonRequests {
  std::vector<std::string> bodies;
  std::vector<std::size_t> span_counts;
  std::size_t oversized = 0;
};
JsonRequests encode_json_requests(const Resource& resource, SpanBatch batch, std::size_t max_bytes);

// A JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD.
void append_json_string(std::string_view text, std::string& out);

}  // namespace telemetry::otlp
