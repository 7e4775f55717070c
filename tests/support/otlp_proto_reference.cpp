#include "otlp_proto_reference.hpp"

#include <google/protobuf/io/coded_stream.h>

#include "telemetry/export/otlp_batch_split.hpp"
#include "telemetry/export/otlp_span_flags.hpp"
#include "telemetry/export/otlp_utf8.hpp"

namespace telemetry::otlp {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

namespace {

void set_string(std::string* out, std::string_view text) {
  if (is_valid_utf8(text)) {
    out->assign(text);
  } else {
    *out = to_valid_utf8(text);
  }
}

template <typename Id>
void set_id(std::string* out, const Id& id) {
  out->assign(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
}

void to_proto(const AttributeValue& value, common::AnyValue& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out.set_bool_value(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.set_int_value(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out.set_double_value(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          set_string(out.mutable_string_value(), v);
        } else {
          auto* array = out.mutable_array_value();
          array->mutable_values()->Reserve(static_cast<int>(v.size()));
          for (const auto& element : v) {
            to_proto(AttributeValue(typename T::value_type(element)), *array->add_values());
          }
        }
      },
      value);
}

void to_proto(const Attributes& attributes,
              google::protobuf::RepeatedPtrField<common::KeyValue>& out) {
  out.Reserve(static_cast<int>(attributes.size()));
  for (const auto& attribute : attributes) {
    auto* kv = out.Add();
    set_string(kv->mutable_key(), attribute.key);
    to_proto(attribute.value, *kv->mutable_value());
  }
}

void fill_envelope(const Resource& resource, ExportRequest& request) {
  auto* resource_spans = request.add_resource_spans();
  to_proto(resource.attributes, *resource_spans->mutable_resource()->mutable_attributes());
  auto* scope = resource_spans->add_scope_spans()->mutable_scope();
  scope->set_name(std::string(kSdkName));
  scope->set_version(std::string(sdk_version()));
}

trace::ScopeSpans& scope_spans(ExportRequest& request) {
  return *request.mutable_resource_spans(0)->mutable_scope_spans(0);
}

}  // namespace

namespace {

google::protobuf::ArenaOptions arena_options(char* first_block, std::size_t bytes) {
  google::protobuf::ArenaOptions options;
  options.initial_block = first_block;
  options.initial_block_size = bytes;
  // Past the first block, grow in blocks small enough to stay under malloc's mmap
  // threshold (a bigger batch must not mmap and munmap on every export).
  options.start_block_size = 16 * 1024;
  options.max_block_size = 64 * 1024;
  return options;
}

}  // namespace

RequestArena::RequestArena(std::size_t first_block_bytes)
    : first_block_(new char[first_block_bytes]),
      arena_(arena_options(first_block_.get(), first_block_bytes)) {}

void to_proto(const SpanData& span, trace::Span& out) {
  set_id(out.mutable_trace_id(), span.context.trace_id);
  set_id(out.mutable_span_id(), span.context.span_id);
  if (!span.context.trace_state.empty())
    set_string(out.mutable_trace_state(), span.context.trace_state);
  if (span.parent_span_id.valid()) set_id(out.mutable_parent_span_id(), span.parent_span_id);
  out.set_flags(span_flags(span.context.flags, span.parent_is_remote));
  set_string(out.mutable_name(), span.name);
  out.set_kind(static_cast<trace::Span::SpanKind>(span.kind));
  out.set_start_time_unix_nano(span.start_time);
  out.set_end_time_unix_nano(span.end_time);
  to_proto(span.attributes, *out.mutable_attributes());
  out.set_dropped_attributes_count(span.dropped_attributes);
  out.mutable_events()->Reserve(static_cast<int>(span.events.size()));
  for (const auto& event : span.events) {
    auto* e = out.add_events();
    e->set_time_unix_nano(event.time);
    set_string(e->mutable_name(), event.name);
    to_proto(event.attributes, *e->mutable_attributes());
    e->set_dropped_attributes_count(event.dropped_attributes);
  }
  out.set_dropped_events_count(span.dropped_events);
  out.mutable_links()->Reserve(static_cast<int>(span.links.size()));
  for (const auto& link : span.links) {
    auto* l = out.add_links();
    set_id(l->mutable_trace_id(), link.context.trace_id);
    set_id(l->mutable_span_id(), link.context.span_id);
    if (!link.context.trace_state.empty())
      set_string(l->mutable_trace_state(), link.context.trace_state);
    to_proto(link.attributes, *l->mutable_attributes());
    l->set_dropped_attributes_count(link.dropped_attributes);
    l->set_flags(span_flags(link.context.flags, link.context.remote));
  }
  out.set_dropped_links_count(span.dropped_links);
  if (span.status != StatusCode::unset || !span.status_message.empty()) {
    auto* status = out.mutable_status();
    status->set_code(static_cast<trace::Status::StatusCode>(span.status));
    set_string(status->mutable_message(), span.status_message);
  }
}

ExportRequest* make_request(const Resource& resource, SpanBatch spans,
                            google::protobuf::Arena& arena) {
  auto* request = google::protobuf::Arena::CreateMessage<ExportRequest>(&arena);
  fill_envelope(resource, *request);
  auto& out = *scope_spans(*request).mutable_spans();
  out.Reserve(static_cast<int>(spans.size()));
  for (const auto& span : spans) to_proto(span, *out.Add());
  return request;
}

ProtoRequests encode_proto_requests(const Resource& resource, SpanBatch batch,
                                    std::size_t max_bytes, google::protobuf::Arena& arena) {
  ProtoRequests result;
  ExportRequest* whole = make_request(resource, batch, arena);
  // Also caches every message's size for the serialization that follows.
  if (whole->ByteSizeLong() <= max_bytes) {
    result.requests.push_back(whole);
    result.span_counts.push_back(batch.size());
    return result;
  }
  // Too big for one request: measure each span, plan, and move spans into parts.
  auto& spans = *scope_spans(*whole).mutable_spans();
  std::vector<std::size_t> sizes;
  sizes.reserve(static_cast<std::size_t>(spans.size()));
  for (const auto& span : spans) {
    const std::size_t bytes = span.ByteSizeLong();
    sizes.push_back(1 + google::protobuf::io::CodedOutputStream::VarintSize64(bytes) + bytes);
  }
  ExportRequest empty;
  fill_envelope(resource, empty);
  // The ResourceSpans and ScopeSpans length prefixes grow with their content: 10
  // bytes covers two varints going from 1 to 5 bytes.
  const std::size_t overhead = empty.ByteSizeLong() + 10;
  const SplitPlan plan = plan_split(sizes, overhead, max_bytes);
  result.oversized = plan.oversized.size();
  for (const auto& run : plan.runs) {
    auto* part = google::protobuf::Arena::CreateMessage<ExportRequest>(&arena);
    fill_envelope(resource, *part);
    auto& part_spans = *scope_spans(*part).mutable_spans();
    part_spans.Reserve(static_cast<int>(run.count));
    // Same arena: a swap exchanges pointers, it copies no span.
    for (std::size_t i = run.first; i < run.first + run.count; ++i) {
      part_spans.Add()->Swap(spans.Mutable(static_cast<int>(i)));
    }
    result.requests.push_back(part);
    result.span_counts.push_back(run.count);
  }
  return result;
}

}  // namespace telemetry::otlp
