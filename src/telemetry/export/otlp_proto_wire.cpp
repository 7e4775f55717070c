#include "telemetry/export/otlp_proto_wire.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

#include "telemetry/export/otlp_batch_split.hpp"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_proto_encoding.hpp"
#include "telemetry/export/otlp_utf8.hpp"

namespace telemetry::otlp {

namespace {

// Wire types.
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kFixed64 = 1;
constexpr std::uint32_t kLengthDelimited = 2;
constexpr std::uint32_t kFixed32 = 5;

std::size_t varint_size(std::uint64_t value) noexcept {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

void put_varint(std::string& out, std::uint64_t value) {
  if (value < 0x80) [[likely]] {  // tags, and the lengths of most strings and messages
    out.push_back(static_cast<char>(value));
    return;
  }
  char bytes[10];
  std::size_t n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out.append(bytes, n);
}

void put_tag(std::string& out, std::uint32_t field, std::uint32_t wire_type) {
  put_varint(out, (static_cast<std::uint64_t>(field) << 3) | wire_type);
}

void put_fixed(std::string& out, std::uint64_t value, std::size_t bytes) {
  char little_endian[8];
  for (std::size_t i = 0; i < bytes; ++i) little_endian[i] = static_cast<char>(value >> (8 * i));
  out.append(little_endian, bytes);
}

void put_fixed64(std::string& out, std::uint32_t field, std::uint64_t value) {
  put_tag(out, field, kFixed64);
  put_fixed(out, value, 8);
}

void put_fixed32(std::string& out, std::uint32_t field, std::uint32_t value) {
  put_tag(out, field, kFixed32);
  put_fixed(out, value, 4);
}

// A varint field with proto3's default (0) left out.
void put_uint_field(std::string& out, std::uint32_t field, std::uint64_t value) {
  if (value == 0) return;
  put_tag(out, field, kVarint);
  put_varint(out, value);
}

void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes) {
  put_tag(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

// A string field, always written (a oneof member, or the caller checked emptiness).
// Invalid UTF-8 becomes U+FFFD rather than making the collector reject the batch.
void put_string(std::string& out, std::uint32_t field, std::string_view text) {
  if (is_valid_utf8(text)) {
    put_bytes(out, field, text);
  } else {
    put_bytes(out, field, to_valid_utf8(text));
  }
}

// A singular proto3 string: left out when empty.
void put_string_field(std::string& out, std::uint32_t field, std::string_view text) {
  if (!text.empty()) put_string(out, field, text);
}

// Starts a nested message field; its length is filled in by close_message. One byte
// is reserved for it, enough for the small messages (attributes, events) that are
// most of them; a longer one is shifted once.
std::size_t open_message(std::string& out, std::uint32_t field) {
  put_tag(out, field, kLengthDelimited);
  out.push_back('\0');
  return out.size();
}

void close_message(std::string& out, std::size_t content_start) {
  const std::size_t length = out.size() - content_start;
  if (length < 0x80) {
    out[content_start - 1] = static_cast<char>(length);
    return;
  }
  std::string prefix;
  put_varint(prefix, length);
  out.replace(content_start - 1, 1, prefix);
}

template <typename Id>
std::string_view id_bytes(const Id& id) noexcept {
  return {reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size()};
}

// AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4,
// array_value = 5 (ArrayValue.values = 1). Oneof members are written even when zero.
template <typename T>
void put_scalar_value(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    put_tag(out, 2, kVarint);
    put_varint(out, value ? 1 : 0);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    put_tag(out, 3, kVarint);
    put_varint(out, static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_same_v<T, double>) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put_fixed64(out, 4, bits);
  } else {
    put_string(out, 1, value);
  }
}

void put_any_value(std::string& out, const AttributeValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double> || std::is_same_v<T, std::string>) {
          put_scalar_value(out, v);
        } else {
          const std::size_t array = open_message(out, 5);
          for (const auto& element : v) {
            const std::size_t any = open_message(out, 1);
            put_scalar_value(out, typename T::value_type(element));
            close_message(out, any);
          }
          close_message(out, array);
        }
      },
      value);
}

// repeated KeyValue (key = 1, value = 2) as field `field`.
void put_attributes(std::string& out, std::uint32_t field, const Attributes& attributes) {
  for (const auto& attribute : attributes) {
    const std::size_t kv = open_message(out, field);
    put_string_field(out, 1, attribute.key);
    const std::size_t value = open_message(out, 2);
    put_any_value(out, attribute.value);
    close_message(out, value);
    close_message(out, kv);
  }
}

}  // namespace

void append_span(std::string& out, const SpanData& span) {
  put_bytes(out, 1, id_bytes(span.context.trace_id));
  put_bytes(out, 2, id_bytes(span.context.span_id));
  put_string_field(out, 3, span.context.trace_state);
  if (span.parent_span_id.valid()) put_bytes(out, 4, id_bytes(span.parent_span_id));
  put_string_field(out, 5, span.name);
  put_uint_field(out, 6, static_cast<std::uint64_t>(span.kind));
  if (span.start_time != 0) put_fixed64(out, 7, span.start_time);
  if (span.end_time != 0) put_fixed64(out, 8, span.end_time);
  put_attributes(out, 9, span.attributes);
  put_uint_field(out, 10, span.dropped_attributes);
  for (const auto& event : span.events) {  // Span.Event
    const std::size_t e = open_message(out, 11);
    if (event.time != 0) put_fixed64(out, 1, event.time);
    put_string_field(out, 2, event.name);
    put_attributes(out, 3, event.attributes);
    put_uint_field(out, 4, event.dropped_attributes);
    close_message(out, e);
  }
  put_uint_field(out, 12, span.dropped_events);
  for (const auto& link : span.links) {  // Span.Link
    const std::size_t l = open_message(out, 13);
    put_bytes(out, 1, id_bytes(link.context.trace_id));
    put_bytes(out, 2, id_bytes(link.context.span_id));
    put_string_field(out, 3, link.context.trace_state);
    put_attributes(out, 4, link.attributes);
    put_uint_field(out, 5, link.dropped_attributes);
    const std::uint32_t flags = span_flags(link.context.flags, link.context.remote);
    if (flags != 0) put_fixed32(out, 6, flags);
    close_message(out, l);
  }
  put_uint_field(out, 14, span.dropped_links);
  if (span.status != StatusCode::unset || !span.status_message.empty()) {  // Status
    const std::size_t s = open_message(out, 15);
    put_string_field(out, 2, span.status_message);
    put_uint_field(out, 3, static_cast<std::uint64_t>(span.status));
    close_message(out, s);
  }
  const std::uint32_t flags = span_flags(span.context.flags, span.parent_is_remote);
  if (flags != 0) put_fixed32(out, 16, flags);
}

void encode_ahead(SpanData& span) {
  span.wire.clear();
  const std::size_t content = open_message(span.wire, 2);  // ScopeSpans.spans
  append_span(span.wire, span);
  close_message(span.wire, content);
}

ProtoWireEncoder::ProtoWireEncoder(const Resource& resource) {
  put_attributes(resource_, 1, resource.attributes);  // Resource.attributes
  put_string_field(scope_, 1, kSdkName);              // InstrumentationScope.name
  put_string_field(scope_, 2, sdk_version());         // and .version
}

// ExportTraceServiceRequest.resource_spans(1) { resource(1), scope_spans(2) { scope(1),
// spans(2)... } } around `spans_bytes` of framed spans.
std::size_t ProtoWireEncoder::envelope_size(std::size_t spans_bytes) const noexcept {
  const std::size_t scope_spans = 1 + varint_size(scope_.size()) + scope_.size() + spans_bytes;
  const std::size_t resource_spans = 1 + varint_size(resource_.size()) + resource_.size() + 1 +
                                     varint_size(scope_spans) + scope_spans;
  return 1 + varint_size(resource_spans) + resource_spans;
}

void ProtoWireEncoder::append_request(std::size_t first, std::size_t count) {
  const std::size_t begin = first == 0 ? 0 : span_ends_[first - 1];
  const std::size_t end = span_ends_[first + count - 1];
  const std::size_t spans_bytes = end - begin;
  const std::size_t scope_spans = 1 + varint_size(scope_.size()) + scope_.size() + spans_bytes;
  const std::size_t resource_spans = 1 + varint_size(resource_.size()) + resource_.size() + 1 +
                                     varint_size(scope_spans) + scope_spans;
  Range range;
  range.offset = out_.size();
  put_tag(out_, 1, kLengthDelimited);
  put_varint(out_, resource_spans);
  put_bytes(out_, 1, resource_);
  put_tag(out_, 2, kLengthDelimited);
  put_varint(out_, scope_spans);
  put_bytes(out_, 1, scope_);
  out_.append(spans_, begin, spans_bytes);
  range.size = out_.size() - range.offset;
  requests_.push_back(range);
}

std::vector<std::size_t> ProtoWireEncoder::encode(std::span<const SpanData> batch,
                                                  std::size_t max_bytes, std::size_t& oversized) {
  spans_.clear();
  span_ends_.clear();
  out_.clear();
  requests_.clear();
  oversized = 0;
  std::vector<std::size_t> counts;
  if (batch.empty()) return counts;
  for (const auto& span : batch) {
    if (!span.wire.empty()) {  // encoded by the thread that ended it
      spans_.append(span.wire);
    } else {
      const std::size_t content = open_message(spans_, 2);  // ScopeSpans.spans
      append_span(spans_, span);
      close_message(spans_, content);
    }
    span_ends_.push_back(spans_.size());
  }
  if (envelope_size(spans_.size()) <= max_bytes) {
    append_request(0, batch.size());
    counts.push_back(batch.size());
    return counts;
  }
  // Too big for one request: plan by each span's framed size.
  std::vector<std::size_t> sizes(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    sizes[i] = span_ends_[i] - (i == 0 ? 0 : span_ends_[i - 1]);
  }
  // The ResourceSpans and ScopeSpans length prefixes grow with their content: 10 bytes
  // covers two varints going from 1 to 5 bytes.
  const SplitPlan plan = plan_split(sizes, envelope_size(0) + 10, max_bytes);
  oversized = plan.oversized.size();
  for (const auto& run : plan.runs) {
    append_request(run.first, run.count);
    counts.push_back(run.count);
  }
  return counts;
}

std::string_view ProtoWireEncoder::request(std::size_t index) const noexcept {
  const Range& range = requests_[index];
  return std::string_view(out_).substr(range.offset, range.size);
}

}  // namespace telemetry::otlp
