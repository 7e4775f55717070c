#include "telemetry/trace_view/api_json.hpp"

#include "telemetry/export/otlp_json_encoding.hpp"

namespace telemetry::trace_view {

namespace {

void add_string(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  out += key;
  out += "\":";
  otlp::append_json_string(value, out);
  out += ',';
}

void add_number(std::string& out, std::string_view key, std::uint64_t value) {
  out += '"';
  out += key;
  out += "\":";
  out += std::to_string(value);
  out += ',';
}

void add_bool(std::string& out, std::string_view key, bool value) {
  out += '"';
  out += key;
  out += "\":";
  out += value ? "true," : "false,";
}

// Replaces the trailing ',' of the last member with `close`.
void close_object(std::string& out, char close) {
  if (!out.empty() && out.back() == ',') {
    out.back() = close;
  } else {
    out += close;
  }
}

void append_view_stats(std::string& out, const ViewStats& stats) {
  out += '{';
  add_number(out, "traces", stats.store.traces);
  add_number(out, "pending_traces", stats.store.pending_traces);
  add_number(out, "bytes", stats.store.bytes);
  add_number(out, "max_bytes", stats.store.max_bytes);
  add_number(out, "max_traces", stats.store.max_traces);
  add_number(out, "spans_received", stats.spans_received);
  add_number(out, "spans_dropped", stats.spans_dropped);
  add_number(out, "log_lines_received", stats.log_lines_received);
  add_number(out, "log_lines_dropped", stats.log_lines_dropped);
  add_number(out, "traces_evicted", stats.store.traces_evicted);
  add_number(out, "kept_traces_evicted", stats.store.kept_traces_evicted);
  add_number(out, "orphans_dropped", stats.store.orphans_dropped);
  add_number(out, "late_spans_dropped", stats.store.late_spans_dropped);
  close_object(out, '}');
}

}  // namespace

std::string list_json(const std::vector<TraceSummary>& traces, const ViewStats& stats,
                      std::string_view service) {
  std::string out = "{";
  add_string(out, "service", service);
  out += "\"traces\":[";
  for (const auto& trace : traces) {
    out += '{';
    add_string(out, "trace_id", trace.trace_id.to_hex());
    add_string(out, "root_name", trace.root_name);
    add_string(out, "route", trace.route);
    add_string(out, "start_time_unix_nano", std::to_string(trace.start_time));
    add_number(out, "duration_ns", trace.duration_ns);
    add_bool(out, "error", trace.error);
    add_string(out, "keep", to_string(trace.keep));
    add_number(out, "span_count", trace.span_count);
    add_number(out, "log_count", trace.log_count);
    close_object(out, '}');
    out += ',';
  }
  close_object(out, ']');
  out += ",\"stored\":";
  append_view_stats(out, stats);
  out += '}';
  return out;
}

std::string trace_json(const Trace& trace, const Resource& resource, std::string_view link) {
  std::string out = "{";
  add_string(out, "trace_id", trace.trace_id.to_hex());
  add_string(out, "keep", to_string(trace.keep));
  add_string(out, "link", link);
  add_number(out, "dropped_logs", trace.dropped_logs);
  out += "\"logs\":[";
  for (const auto& line : trace.logs) {
    // The logger's own JSON object, without its newline.
    std::string_view json = line.json;
    while (!json.empty() && (json.back() == '\n' || json.back() == '\r')) json.remove_suffix(1);
    out += "{\"span_id\":\"";
    out += line.span_id.to_hex();
    out += "\",\"line\":";
    out += json;
    out += "},";
  }
  close_object(out, ']');
  out += ",\"otlp\":";
  out += otlp_json(trace, resource);
  out += '}';
  return out;
}

std::string otlp_json(const Trace& trace, const Resource& resource) {
  return otlp::encode_json_request(resource, SpanBatch(trace.spans));
}

std::string pipeline_json(const std::vector<ProcessorStats>& processors, const ViewStats& stats) {
  bool healthy = true;
  std::string list = "[";
  for (const auto& p : processors) {
    if (p.dropped > 0 || p.failed > 0 || !p.last_export_ok) healthy = false;
    list += '{';
    add_string(list, "name", p.name);
    add_number(list, "queued", p.queued);
    add_number(list, "exported", p.exported);
    add_number(list, "dropped", p.dropped);
    add_number(list, "failed", p.failed);
    add_number(list, "batches", p.batches);
    add_number(list, "failed_batches", p.failed_batches);
    add_number(list, "yields", p.yields);
    add_number(list, "queue_size", p.queue_size);
    add_number(list, "queue_capacity", p.queue_capacity);
    add_bool(list, "last_export_ok", p.last_export_ok);
    add_string(list, "last_export_message", p.last_export_message);
    add_string(list, "last_export_time_unix_nano", std::to_string(p.last_export_time));
    close_object(list, '}');
    list += ',';
  }
  close_object(list, ']');
  if (stats.spans_dropped > 0) healthy = false;
  std::string out = "{";
  add_bool(out, "healthy", healthy);
  out += "\"processors\":";
  out += list;
  out += ",\"view\":";
  append_view_stats(out, stats);
  out += '}';
  return out;
}

std::string trace_link(std::string_view link_template, std::string_view trace_id_hex) {
  std::string out;
  constexpr std::string_view kPlaceholder = "{trace_id}";
  std::size_t from = 0;
  while (true) {
    const std::size_t at = link_template.find(kPlaceholder, from);
    out.append(link_template.substr(from, at - from));
    if (at == std::string_view::npos) break;
    out.append(trace_id_hex);
    from = at + kPlaceholder.size();
  }
  return out;
}

}  // namespace telemetry::trace_view
