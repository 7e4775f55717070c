#pragma once
// SpanData -> OTLP protobuf bytes, written straight from our own structs (the wire
// format: field numbers from opentelemetry-proto's trace.proto and common.proto).
// Building generated message objects first cost an allocation per string longer than
// 15 bytes (arena strings keep their characters on the heap), a size pass, a
// serialization pass and protobuf's own UTF-8 check of every string: about 1 µs per
// span on the export thread, on a 2-core machine that serves requests too. The bytes
// are the same as serializing the generated messages (fields in field-number order,
// proto3 defaults left out); tests/unit/export/test_otlp_wire.cpp checks that against
// the reference encoder in tests/support/otlp_proto_reference.hpp.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/span_batch.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp {

// The export thread's encoder: its buffers keep their capacity from batch to batch, so
// in the steady state encoding allocates nothing.
class ProtoWireEncoder {
 public:
  explicit ProtoWireEncoder(const Resource& resource);

  // Encodes `batch` as ExportTraceServiceRequests of at most `max_bytes` each,
  // replacing the previous batch's. A span staged by stage_span below is taken as its
  // staged bytes (SpanBatch::staged), any other is encoded here. Spans too large to be sent even
  // alone are left out and counted in `oversized`. Returns the number of spans in each request.
  std::vector<std::size_t> encode(SpanBatch batch, std::size_t max_bytes, std::size_t& oversized);

  std::size_t request_count() const noexcept { return requests_.size(); }
  // Request `index` of the last encode(); valid until the next one.
  std::string_view request(std::size_t index) const noexcept;

 private:
  std::string resource_;  // the Resource message's content
  std::string scope_;     // the InstrumentationScope message's content
  // Span i of the batch, framed as ScopeSpans.spans: its staged bytes when the thread
  // that ended it staged it, else bytes encoded here into `encoded_`.
  std::vector<std::string_view> pieces_;
  std::string encoded_;
  std::vector<std::size_t> span_ends_;  // running total of the pieces' sizes
  std::string out_;                     // the requests, back to back
  struct Range {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  std::vector<Range> requests_;

  // The content lengths of a request's ResourceSpans and ScopeSpans around
  // `spans_bytes` of framed spans, and the whole request's size.
  struct Envelope {
    std::size_t resource_spans = 0;
    std::size_t scope_spans = 0;
    std::size_t request_size = 0;
  };
  Envelope envelope(std::size_t spans_bytes) const noexcept;
  std::size_t envelope_size(std::size_t spans_bytes) const noexcept {
    return envelope(spans_bytes).request_size;
  }
  void append_request(std::size_t first, std::size_t count);
};

// The span as ScopeSpans.spans (tag, length and content), appended to `out`.
void append_framed_span(std::string& out, const SpanData& span);

// The OTLP exporter's staged form of a span (SpanExporter::stage): what
// append_framed_span writes, in `staged` (replacing what it held), which
// ProtoWireEncoder::encode then copies instead of encoding the span again.
void stage_span(const SpanData& span, std::string& staged);

}  // namespace telemetry::otlp
