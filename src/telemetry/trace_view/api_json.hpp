#pragma once
// The trace view's data as JSON, for the pages and for scripts (docs/api.md,
// "Trace view"). Strings are escaped as the logger escapes them; a trace's spans are
// an OTLP/JSON ExportTraceServiceRequest, so the download is importable as it is.

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/trace/processor.hpp"
#include "telemetry/trace/resource.hpp"
#include "telemetry/trace_view/trace_view.hpp"

namespace telemetry::trace_view {

// {"service":..., "traces":[{...summary...}], "stored":{...}}
std::string list_json(const std::vector<TraceSummary>& traces, const ViewStats& stats,
                      std::string_view service);

// {"trace_id":..., "keep":..., "link":..., "logs":[<log line objects>], "otlp":{...}}
// `link`: the trace in another tool (BOARD_TRACE_LINK_TEMPLATE filled in), or empty.
std::string trace_json(const Trace& trace, const Resource& resource, std::string_view link);

// The trace's spans alone, as an OTLP/JSON ExportTraceServiceRequest.
std::string otlp_json(const Trace& trace, const Resource& resource);

// {"healthy":..., "processors":[{...counters...}], "view":{...}}
std::string pipeline_json(const std::vector<ProcessorStats>& processors, const ViewStats& stats);

// The template with every "{trace_id}" replaced by the id; empty when the template is.
std::string trace_link(std::string_view link_template, std::string_view trace_id_hex);

}  // namespace telemetry::trace_view
