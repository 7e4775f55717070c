#include "telemetry/export/otlp_batch_split.hpp"

namespace telemetry::otlp {

SplitPlan plan_split(std::span<const std::size_t> span_bytes, std::size_t overhead,
                     std::size_t limit) {
  SplitPlan plan;
  SplitPlan::Run current;
  std::size_t current_bytes = overhead;
  for (std::size_t i = 0; i < span_bytes.size(); ++i) {
    if (overhead + span_bytes[i] > limit) {
      plan.oversized.push_back(i);
      continue;
    }
    if (current.count > 0 && current_bytes + span_bytes[i] > limit) {
      plan.runs.push_back(current);
      current = {};
      current_bytes = overhead;
    }
    if (current.count == 0) current.first = i;
    // A run is contiguous: an oversized span in between closes it.
    if (current.count > 0 && current.first + current.count != i) {
      plan.runs.push_back(current);
      current = {i, 0};
      current_bytes = overhead;
    }
    ++current.count;
    current_bytes += span_bytes[i];
  }
  if (current.count > 0) plan.runs.push_back(current);
  return plan;
}

}  // namespace telemetry::otlp
