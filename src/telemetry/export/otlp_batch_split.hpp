#pragma once
// Splits one export batch into requests that stay under a byte limit: collectors
// reject a gRPC message over 4 MiB as a whole, losing every span in it, so a batch of
// spans with large attributes must go out as several requests.

#include <cstddef>
#include <span>
#include <vector>

namespace telemetry::otlp {

struct SplitPlan {
  // Consecutive runs of spans, one per request: [first, first + count).
  struct Run {
    std::size_t first = 0;
    std::size_t count = 0;
  };
  std::vector<Run> runs;
  // Spans that would exceed the limit even alone; they are not sent.
  std::vector<std::size_t> oversized;
};

// `span_bytes[i]` is what span i adds to a request (its encoding plus framing);
// `overhead` is the size of a request holding no span. Keeps span order.
SplitPlan plan_split(std::span<const std::size_t> span_bytes, std::size_t overhead,
                     std::size_t limit);

}  // namespace telemetry::otlp
