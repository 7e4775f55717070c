#include "telemetry/export/otlp_json_encoding.hpp"

#include <charconv>
#include <cmath>

#include "telemetry/export/otlp_batch_split.hpp"
#include "telemetry/export/otlp_span_flags.hpp"
#include "telemetry/logs/json_escape.hpp"

namespace telemetry::otlp {

namespace {

template <typename Int>
void append_number(Int value, std::string& out) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

// proto3 JSON: 64-bit integers are strings.
template <typename Int>
void append_quoted_number(Int value, std::string& out) {
  out += '"';
  append_number(value, out);
  out += '"';
}

void append_double(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
  }
}

template <typename Id>
void append_id(const char* key, const Id& id, std::string& out) {
  out += key;
  out += "\":\"";
  const std::size_t at = out.size();
  out.resize(at + Id::kHexLength);
  id.write_hex(out.data() + at);
  out += '"';
}

void append_any_value(const AttributeValue& value, std::string& out);

template <typename T>
void append_scalar(const T& v, std::string& out) {
  if constexpr (std::is_same_v<T, bool>) {
    out += "{\"boolValue\":";
    out += v ? "true}" : "false}";
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    out += "{\"intValue\":";
    append_quoted_number(v, out);
    out += '}';
  } else if constexpr (std::is_same_v<T, double>) {
    out += "{\"doubleValue\":";
    append_double(v, out);
    out += '}';
  } else {
    out += "{\"stringValue\":";
    append_json_string(v, out);
    out += '}';
  }
}

void append_any_value(const AttributeValue& value, std::string& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double> || std::is_same_v<T, std::string>) {
          append_scalar(v, out);
        } else {
          out += "{\"arrayValue\":{\"values\":[";
          bool first = true;
          for (const auto& element : v) {
            if (!first) out += ',';
            first = false;
            append_scalar(static_cast<typename T::value_type>(element), out);
          }
          out += "]}}";
        }
      },
      value);
}

// `,"attributes":[...]` (nothing when empty) and the dropped count when non-zero.
void append_attributes(const Attributes& attributes, std::uint32_t dropped, std::string& out) {
  if (!attributes.empty()) {
    out += ",\"attributes\":[";
    bool first = true;
    for (const auto& attribute : attributes) {
      if (!first) out += ',';
      first = false;
      out += "{\"key\":";
      append_json_string(attribute.key, out);
      out += ",\"value\":";
      append_any_value(attribute.value, out);
      out += '}';
    }
    out += ']';
  }
  if (dropped != 0) {
    out += ",\"droppedAttributesCount\":";
    append_number(dropped, out);
  }
}

void append_count(const char* key, std::uint32_t value, std::string& out) {
  if (value == 0) return;
  out += ",\"";
  out += key;
  out += "\":";
  append_number(value, out);
}

// Everything up to the opening bracket of the spans array.
std::string envelope_head(const Resource& resource) {
  std::string out = "{\"resourceSpans\":[{\"resource\":{";
  std::string attributes;
  append_attributes(resource.attributes, 0, attributes);
  if (!attributes.empty()) out.append(attributes, 1);  // drop the leading comma
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":";
  append_json_string(kSdkName, out);
  out += ",\"version\":";
  append_json_string(sdk_version(), out);
  out += "},\"spans\":[";
  return out;
}

constexpr std::string_view kEnvelopeTail = "]}]}]}";

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  // The log lines' escaping: control characters escaped, invalid UTF-8 repaired
  // as U+FFFD, so that the receiver always gets valid JSON text.
  out += '"';
  logs::append_json_escaped(out, text);
  out += '"';
}

void append_json_span(const SpanData& span, std::string& out) {
  out += '{';
  append_id("\"traceId", span.context.trace_id, out);
  append_id(",\"spanId", span.context.span_id, out);
  if (!span.context.trace_state.empty()) {
    out += ",\"traceState\":";
    append_json_string(span.context.trace_state, out);
  }
  if (span.parent_span_id.valid()) append_id(",\"parentSpanId", span.parent_span_id, out);
  out += ",\"flags\":";
  append_number(span_flags(span.context.flags, span.parent_is_remote), out);
  out += ",\"name\":";
  append_json_string(span.name, out);
  out += ",\"kind\":";
  append_number(static_cast<unsigned>(span.kind), out);
  out += ",\"startTimeUnixNano\":";
  append_quoted_number(span.start_time, out);
  out += ",\"endTimeUnixNano\":";
  append_quoted_number(span.end_time, out);
  append_attributes(span.attributes, span.dropped_attributes, out);
  if (!span.events.empty()) {
    out += ",\"events\":[";
    bool first = true;
    for (const auto& event : span.events) {
      if (!first) out += ',';
      first = false;
      out += "{\"timeUnixNano\":";
      append_quoted_number(event.time, out);
      out += ",\"name\":";
      append_json_string(event.name, out);
      append_attributes(event.attributes, event.dropped_attributes, out);
      out += '}';
    }
    out += ']';
  }
  append_count("droppedEventsCount", span.dropped_events, out);
  if (!span.links.empty()) {
    out += ",\"links\":[";
    bool first = true;
    for (const auto& link : span.links) {
      if (!first) out += ',';
      first = false;
      append_id("{\"traceId", link.context.trace_id, out);
      append_id(",\"spanId", link.context.span_id, out);
      if (!link.context.trace_state.empty()) {
        out += ",\"traceState\":";
        append_json_string(link.context.trace_state, out);
      }
      append_attributes(link.attributes, link.dropped_attributes, out);
      out += ",\"flags\":";
      append_number(span_flags(link.context.flags, link.context.remote), out);
      out += '}';
    }
    out += ']';
  }
  append_count("droppedLinksCount", span.dropped_links, out);
  if (span.status != StatusCode::unset || !span.status_message.empty()) {
    out += ",\"status\":{";
    bool comma = false;
    if (!span.status_message.empty()) {
      out += "\"message\":";
      append_json_string(span.status_message, out);
      comma = true;
    }
    if (span.status != StatusCode::unset) {
      if (comma) out += ',';
      out += "\"code\":";
      append_number(static_cast<unsigned>(span.status), out);
    }
    out += '}';
  }
  out += '}';
}

std::string encode_json_request(const Resource& resource, SpanBatch spans) {
  std::string out = envelope_head(resource);
  bool first = true;
  for (const auto& span : spans) {
    if (!first) out += ',';
    first = false;
    append_json_span(span, out);
  }
  out += kEnvelopeTail;
  return out;
}

JsonRequests encode_json_requests(const Resource& resource, SpanBatch batch,
                                  std::size_t max_bytes) {
  const std::string head = envelope_head(resource);
  std::vector<std::string> encoded(batch.size());
  std::vector<std::size_t> sizes(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    append_json_span(batch[i], encoded[i]);
    sizes[i] = encoded[i].size() + 1;  // the comma before it
  }
  const SplitPlan plan = plan_split(sizes, head.size() + kEnvelopeTail.size(), max_bytes);
  JsonRequests result;
  result.oversized = plan.oversized.size();
  for (const auto& run : plan.runs) {
    std::string body = head;
    for (std::size_t i = run.first; i < run.first + run.count; ++i) {
      if (i != run.first) body += ',';
      body += encoded[i];
    }
    body += kEnvelopeTail;
    result.bodies.push_back(std::move(body));
    result.span_counts.push_back(run.count);
  }
  return result;
}

}  // namespace telemetry::otlp
