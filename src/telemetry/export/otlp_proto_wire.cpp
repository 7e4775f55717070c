#include "telemetry/export/otlp_proto_wire.hpp"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

#include "telemetry/export/otlp_batch_split.hpp"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_span_flags.hpp"
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

// --- How much room a message can need -----------------------------------------------
// A writer below checks for room once per message instead of once per byte, so the
// room is reserved up front from these upper bounds: a tag and a length prefix are
// at most 5 bytes each here, a varint 10, and a string may grow threefold when invalid
// UTF-8 is replaced (one byte becomes U+FFFD, three bytes).
constexpr std::size_t kFieldOverhead = 6;  // a tag byte and a length of up to 5 bytes
constexpr std::size_t kVarintField = 11;
constexpr std::size_t kFixedField = 9;

std::size_t string_bound(std::string_view text) noexcept {
  return kFieldOverhead + 3 * text.size();
}

std::size_t value_bound(const AttributeValue& value) noexcept {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double>) {
          return kVarintField;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return string_bound(v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::size_t bound = kFieldOverhead;
          for (const auto& element : v) bound += kFieldOverhead + string_bound(element);
          return bound;
        } else {
          return kFieldOverhead + v.size() * (kFieldOverhead + kVarintField);
        }
      },
      value);
}

std::size_t attributes_bound(const Attributes& attributes) noexcept {
  std::size_t bound = 0;
  for (const auto& attribute : attributes) {
    bound += 2 * kFieldOverhead + string_bound(attribute.key) + value_bound(attribute.value);
  }
  return bound;
}

std::size_t span_bound(const SpanData& span) noexcept {
  // 128: ids (18 + 10 + 10), kind, times (9 + 9), three dropped counts, the status
  // message's frame and code, flags: 122 at most.
  std::size_t bound = 128 + string_bound(span.context.trace_state) + string_bound(span.name) +
                      attributes_bound(span.attributes) + string_bound(span.status_message);
  for (const auto& event : span.events) {
    bound += kFieldOverhead + kFixedField + string_bound(event.name) +
             attributes_bound(event.attributes) + kVarintField;
  }
  for (const auto& link : span.links) {
    bound += kFieldOverhead + 48 + string_bound(link.context.trace_state) +
             attributes_bound(link.attributes) + kVarintField;
  }
  return bound;
}

// --- Writing ------------------------------------------------------------------------
// Protobuf fields written through a raw cursor into room reserved beforehand (see
// write_into): the std::string is resized once per message, not once per byte.
class Writer {
 public:
  explicit Writer(char* cursor) noexcept : cursor_(cursor) {}
  char* cursor() const noexcept { return cursor_; }

  void varint(std::uint64_t value) noexcept {
    while (value >= 0x80) {
      *cursor_++ = static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    *cursor_++ = static_cast<char>(value);
  }

  void tag(std::uint32_t field, std::uint32_t wire_type) noexcept {
    varint((static_cast<std::uint64_t>(field) << 3) | wire_type);
  }

  void fixed(std::uint64_t value, std::size_t bytes) noexcept {
    for (std::size_t i = 0; i < bytes; ++i) *cursor_++ = static_cast<char>(value >> (8 * i));
  }

  void fixed64(std::uint32_t field, std::uint64_t value) noexcept {
    tag(field, kFixed64);
    fixed(value, 8);
  }

  void fixed32(std::uint32_t field, std::uint32_t value) noexcept {
    tag(field, kFixed32);
    fixed(value, 4);
  }

  // A varint field with proto3's default (0) left out.
  void uint_field(std::uint32_t field, std::uint64_t value) noexcept {
    if (value == 0) return;
    tag(field, kVarint);
    varint(value);
  }

  void bytes(std::uint32_t field, std::string_view data) noexcept {
    tag(field, kLengthDelimited);
    varint(data.size());
    copy(data.data(), data.size());
  }

  // A string field, always written (a oneof member, or the caller checked emptiness).
  // Invalid UTF-8 becomes U+FFFD rather than making the collector reject the batch.
  void string(std::uint32_t field, std::string_view text) {
    if (is_valid_utf8(text)) [[likely]] {
      bytes(field, text);
    } else {
      bytes(field, to_valid_utf8(text));
    }
  }

  // A singular proto3 string: left out when empty.
  void string_field(std::uint32_t field, std::string_view text) {
    if (!text.empty()) string(field, text);
  }

  // Starts a nested message field; close() fills in its length. One byte is reserved
  // for it, enough for the small messages (attributes, events) that are most of them;
  // a longer one is shifted once (the bounds above leave room for that).
  char* open(std::uint32_t field) noexcept {
    tag(field, kLengthDelimited);
    *cursor_++ = '\0';
    return cursor_;
  }

  void close(char* content) noexcept {
    const std::size_t length = static_cast<std::size_t>(cursor_ - content);
    if (length < 0x80) [[likely]] {
      content[-1] = static_cast<char>(length);
      return;
    }
    const std::size_t extra = varint_size(length) - 1;
    std::memmove(content + extra, content, length);
    cursor_ += extra;
    Writer prefix(content - 1);
    prefix.varint(length);
  }

 private:
  // Most strings written are short keys and values: copied with two overlapping
  // fixed-size moves each, not a call to memcpy.
  void copy(const char* data, std::size_t size) noexcept {
    if (size >= 8 && size <= 16) {
      std::memcpy(cursor_, data, 8);
      std::memcpy(cursor_ + size - 8, data + size - 8, 8);
    } else if (size >= 4 && size < 8) {
      std::memcpy(cursor_, data, 4);
      std::memcpy(cursor_ + size - 4, data + size - 4, 4);
    } else if (size < 4) {
      for (std::size_t i = 0; i < size; ++i) cursor_[i] = data[i];
    } else {
      std::memcpy(cursor_, data, size);
    }
    cursor_ += size;
  }

  char* cursor_;
};

// Appends to `out` what `write` writes, in at most `bound` bytes.
template <typename Write>
void write_into(std::string& out, std::size_t bound, Write&& write) {
  const std::size_t start = out.size();
  out.resize(start + bound);
  Writer writer(out.data() + start);
  write(writer);
  const auto end = static_cast<std::size_t>(writer.cursor() - out.data());
  assert(end <= start + bound && "a bound above is too small");
  out.resize(end);
}

template <typename Id>
std::string_view id_bytes(const Id& id) noexcept {
  return {reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size()};
}

// AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4,
// array_value = 5 (ArrayValue.values = 1). Oneof members are written even when zero.
template <typename T>
void put_scalar_value(Writer& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out.tag(2, kVarint);
    out.varint(value ? 1 : 0);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    out.tag(3, kVarint);
    out.varint(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_same_v<T, double>) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    out.fixed64(4, bits);
  } else {
    out.string(1, value);
  }
}

void put_any_value(Writer& out, const AttributeValue& value) {
  // Strings and integers are nearly all attributes: no visit for them.
  if (const auto* text = std::get_if<std::string>(&value)) return put_scalar_value(out, *text);
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    return put_scalar_value(out, *number);
  }
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double> || std::is_same_v<T, std::string>) {
          put_scalar_value(out, v);
        } else {
          char* array = out.open(5);
          for (const auto& element : v) {
            char* any = out.open(1);
            put_scalar_value(out, typename T::value_type(element));
            out.close(any);
          }
          out.close(array);
        }
      },
      value);
}

// repeated KeyValue (key = 1, value = 2) as field `field`.
void put_attributes(Writer& out, std::uint32_t field, const Attributes& attributes) {
  for (const auto& attribute : attributes) {
    char* kv = out.open(field);
    out.string_field(1, attribute.key);
    char* value = out.open(2);
    put_any_value(out, attribute.value);
    out.close(value);
    out.close(kv);
  }
}

void put_span(Writer& out, const SpanData& span) {
  out.bytes(1, id_bytes(span.context.trace_id));
  out.bytes(2, id_bytes(span.context.span_id));
  out.string_field(3, span.context.trace_state);
  if (span.parent_span_id.valid()) out.bytes(4, id_bytes(span.parent_span_id));
  out.string_field(5, span.name);
  out.uint_field(6, static_cast<std::uint64_t>(span.kind));
  if (span.start_time != 0) out.fixed64(7, span.start_time);
  if (span.end_time != 0) out.fixed64(8, span.end_time);
  put_attributes(out, 9, span.attributes);
  out.uint_field(10, span.dropped_attributes);
  for (const auto& event : span.events) {  // Span.Event
    char* e = out.open(11);
    if (event.time != 0) out.fixed64(1, event.time);
    out.string_field(2, event.name);
    put_attributes(out, 3, event.attributes);
    out.uint_field(4, event.dropped_attributes);
    out.close(e);
  }
  out.uint_field(12, span.dropped_events);
  for (const auto& link : span.links) {  // Span.Link
    char* l = out.open(13);
    out.bytes(1, id_bytes(link.context.trace_id));
    out.bytes(2, id_bytes(link.context.span_id));
    out.string_field(3, link.context.trace_state);
    put_attributes(out, 4, link.attributes);
    out.uint_field(5, link.dropped_attributes);
    const std::uint32_t flags = span_flags(link.context.flags, link.context.remote);
    if (flags != 0) out.fixed32(6, flags);
    out.close(l);
  }
  out.uint_field(14, span.dropped_links);
  if (span.status != StatusCode::unset || !span.status_message.empty()) {  // Status
    char* status = out.open(15);
    out.string_field(2, span.status_message);
    out.uint_field(3, static_cast<std::uint64_t>(span.status));
    out.close(status);
  }
  const std::uint32_t flags = span_flags(span.context.flags, span.parent_is_remote);
  if (flags != 0) out.fixed32(16, flags);
}

}  // namespace

void stage_span(const SpanData& span, std::string& staged) {
  staged.clear();
  append_framed_span(staged, span);
}

void append_framed_span(std::string& out, const SpanData& span) {
  write_into(out, kFieldOverhead + span_bound(span), [&](Writer& writer) {
    char* content = writer.open(2);  // ScopeSpans.spans
    put_span(writer, span);
    writer.close(content);
  });
}

ProtoWireEncoder::ProtoWireEncoder(const Resource& resource) {
  write_into(resource_, attributes_bound(resource.attributes), [&](Writer& out) {
    put_attributes(out, 1, resource.attributes);  // Resource.attributes
  });
  write_into(scope_, string_bound(kSdkName) + string_bound(sdk_version()), [&](Writer& out) {
    out.string_field(1, kSdkName);       // InstrumentationScope.name
    out.string_field(2, sdk_version());  // and .version
  });
}

// ExportTraceServiceRequest.resource_spans(1) { resource(1), scope_spans(2) { scope(1),
// spans(2)... } } around `spans_bytes` of framed spans.
ProtoWireEncoder::Envelope ProtoWireEncoder::envelope(std::size_t spans_bytes) const noexcept {
  Envelope lengths;
  lengths.scope_spans = 1 + varint_size(scope_.size()) + scope_.size() + spans_bytes;
  lengths.resource_spans = 1 + varint_size(resource_.size()) + resource_.size() + 1 +
                           varint_size(lengths.scope_spans) + lengths.scope_spans;
  lengths.request_size = 1 + varint_size(lengths.resource_spans) + lengths.resource_spans;
  return lengths;
}

void ProtoWireEncoder::append_request(std::size_t first, std::size_t count) {
  const std::size_t begin = first == 0 ? 0 : span_ends_[first - 1];
  const std::size_t end = span_ends_[first + count - 1];
  const Envelope lengths = envelope(end - begin);
  Range range;
  range.offset = out_.size();
  write_into(out_, 4 * kFieldOverhead + resource_.size() + scope_.size(), [&](Writer& out) {
    out.tag(1, kLengthDelimited);
    out.varint(lengths.resource_spans);
    out.bytes(1, resource_);
    out.tag(2, kLengthDelimited);
    out.varint(lengths.scope_spans);
    out.bytes(1, scope_);
  });
  for (std::size_t i = first; i < first + count; ++i) out_.append(pieces_[i]);
  range.size = out_.size() - range.offset;
  requests_.push_back(range);
}

std::vector<std::size_t> ProtoWireEncoder::encode(SpanBatch batch, std::size_t max_bytes,
                                                  std::size_t& oversized) {
  pieces_.clear();
  encoded_.clear();
  span_ends_.clear();
  out_.clear();
  requests_.clear();
  oversized = 0;
  std::vector<std::size_t> counts;
  if (batch.empty()) return counts;
  // Spans not staged are encoded first (encoded_ may grow and move), then every span's
  // bytes are copied once, straight into its request.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::size_t begin = encoded_.size();
    if (batch.staged(i).empty()) append_framed_span(encoded_, batch[i]);
    span_ends_.push_back(encoded_.size() - begin);  // the piece's size for now
  }
  std::size_t total = 0;
  std::size_t encoded_offset = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::string_view piece = batch.staged(i);
    if (piece.empty()) {
      piece = std::string_view(encoded_).substr(encoded_offset, span_ends_[i]);
      encoded_offset += piece.size();
    }
    pieces_.push_back(piece);
    total += piece.size();
    span_ends_[i] = total;
  }
  if (envelope_size(total) <= max_bytes) {
    out_.reserve(envelope_size(total) + 4 * kFieldOverhead);  // room for the header's bound
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
