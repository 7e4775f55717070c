#include "telemetry/trace/console_exporter.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace telemetry {

namespace {

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_double(std::string& out, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  out += text;
}

void append_value(std::string& out, const AttributeValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          append_double(out, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          append_quoted(out, v);
        } else {
          out.push_back('[');
          bool first = true;
          for (const auto& element : v) {
            if (!first) out.push_back(',');
            first = false;
            append_value(out, AttributeValue(element));
          }
          out.push_back(']');
        }
      },
      value);
}

void append_attributes(std::string& out, const Attributes& attributes) {
  for (const auto& attribute : attributes) {
    out.push_back(' ');
    out += attribute.key;
    out.push_back('=');
    append_value(out, attribute.value);
  }
}

void append_millis(std::string& out, UnixNanos nanos) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3fms", static_cast<double>(nanos) / 1e6);
  out += text;
}

void append_dropped(std::string& out, const char* what, std::uint32_t count) {
  if (count == 0) return;
  out += " (";
  out += std::to_string(count);
  out += " ";
  out += what;
  out += " dropped)";
}

}  // namespace

std::string_view to_string(SpanKind kind) noexcept {
  switch (kind) {
    case SpanKind::internal:
      return "internal";
    case SpanKind::server:
      return "server";
    case SpanKind::client:
      return "client";
    case SpanKind::producer:
      return "producer";
    case SpanKind::consumer:
      return "consumer";
  }
  return "unknown";
}

std::string_view to_string(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::unset:
      return "unset";
    case StatusCode::ok:
      return "ok";
    case StatusCode::error:
      return "error";
  }
  return "unknown";
}

std::string format_span(const SpanData& span, std::string_view service_name) {
  std::string out;
  out.reserve(256);
  out += "span ";
  append_quoted(out, span.name);
  out.push_back(' ');
  out += to_string(span.kind);
  out.push_back(' ');
  append_millis(out, span.end_time >= span.start_time ? span.end_time - span.start_time : 0);
  out += " status=";
  out += to_string(span.status);
  if (!span.status_message.empty()) {
    out.push_back(' ');
    append_quoted(out, span.status_message);
  }
  if (!service_name.empty()) {
    out += " service=";
    out += service_name;
  }
  out += "\n  trace ";
  out += span.context.trace_id.to_hex();
  out += " span ";
  out += span.context.span_id.to_hex();
  if (span.parent_span_id.valid()) {
    out += " parent ";
    out += span.parent_span_id.to_hex();
    if (span.parent_is_remote) out += " (remote)";
  } else {
    out += " root";
  }
  out += span.context.sampled() ? " sampled" : " not-sampled";
  if (!span.attributes.empty() || span.dropped_attributes > 0) {
    out += "\n  attr";
    append_attributes(out, span.attributes);
    append_dropped(out, "attributes", span.dropped_attributes);
  }
  for (const auto& event : span.events) {
    out += "\n  event +";
    append_millis(out, event.time >= span.start_time ? event.time - span.start_time : 0);
    out.push_back(' ');
    out += event.name;
    append_attributes(out, event.attributes);
    append_dropped(out, "attributes", event.dropped_attributes);
  }
  if (span.dropped_events > 0) {
    out += "\n ";
    append_dropped(out, "events", span.dropped_events);
  }
  for (const auto& link : span.links) {
    out += "\n  link trace ";
    out += link.context.trace_id.to_hex();
    out += " span ";
    out += link.context.span_id.to_hex();
    append_attributes(out, link.attributes);
  }
  if (span.dropped_links > 0) {
    out += "\n ";
    append_dropped(out, "links", span.dropped_links);
  }
  out.push_back('\n');
  return out;
}

ConsoleSpanExporter::ConsoleSpanExporter(const Resource& resource, int fd)
    : service_name_(resource.get_string("service.name")), fd_(fd) {}

ExportResult ConsoleSpanExporter::export_spans(SpanBatch batch,
                                               std::chrono::steady_clock::time_point) noexcept {
  try {
    std::string text;
    for (const auto& span : batch) text += format_span(span, service_name_);
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        return {ExportResult::Code::failure, 0, "console write failed"};
      }
      written += static_cast<std::size_t>(n);
    }
    return {};
  } catch (...) {
    return {ExportResult::Code::failure, 0, "console exporter out of memory"};
  }
}

}  // namespace telemetry
