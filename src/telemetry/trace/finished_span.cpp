#include "telemetry/trace/finished_span.hpp"

namespace telemetry {

FinishedSpan FinishedSpan::from(SpanData data) {
  detail::SpanRecord* record = detail::acquire_span_record();
  detail::reset(*record);
  record->data = std::move(data);
  record->attribute_count = record->data.attributes.size();
  return FinishedSpan(record);
}

}  // namespace telemetry
