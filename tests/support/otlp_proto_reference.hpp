#pragma once
// SpanData -> OTLP protobuf messages (the generated classes from proto/), for tests and
// benchmarks only. The exporter never sends these (otlp_proto_wire.hpp writes the same
// bytes straight from SpanData, 3-4x cheaper); they are the reference the wire encoder
// is tested against, byte for byte, and the baseline of bench_otlp. Requests are built on a
// google::protobuf::Arena that the export thread keeps and resets between batches: a
// 512-span batch is thousands of small messages, and allocating them one by one from
// the heap (then freeing them one by one) was most of the encoding time.

#include <google/protobuf/arena.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/span_batch.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::otlp {

using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using ExportResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

void to_proto(const SpanData& span, opentelemetry::proto::trace::v1::Span& out);

// The export thread's arena. Arena::Reset frees every block except a caller-provided
// first one, so that block is sized for a typical batch (512 spans with a handful of
// attributes each): in the steady state encoding allocates no message from the heap.
class RequestArena {
 public:
  explicit RequestArena(std::size_t first_block_bytes = 1024 * 1024);
  google::protobuf::Arena& get() noexcept { return arena_; }
  // Frees the previous batch's messages; keeps the first block for the next one.
  void reset() noexcept { arena_.Reset(); }

 private:
  std::unique_ptr<char[]> first_block_;
  google::protobuf::Arena arena_;
};

// One request on `arena`: the resource, our instrumentation scope, and `spans` in order.
ExportRequest* make_request(const Resource& resource, SpanBatch spans,
                            google::protobuf::Arena& arena);

// The batch as requests of at most `max_bytes` encoded bytes each, allocated on `arena`
// (valid until it is Reset or destroyed). Spans too large to be sent even alone are
// left out and counted in `oversized`.
struct ProtoRequests {
  std::vector<ExportRequest*> requests;  // owned by the arena
  std::vector<std::size_t> span_counts;  // per request
  std::size_t oversized = 0;
};
ProtoRequests encode_proto_requests(const Resource& resource, SpanBatch batch,
                                    std::size_t max_bytes, google::protobuf::Arena& arena);

}  // namespace telemetry::otlp
