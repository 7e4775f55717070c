#pragma once
// The built-in trace view's routes: the pages (/debug/traces, /debug/traces/{trace_id}
// and their assets) and their JSON (/debug/api/...). They answer only to loopback
// clients, or to any client presenting BOARD_DEBUG_TOKEN as a bearer token, and every
// response carries a Content-Security-Policy that allows nothing from elsewhere.

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "http/router.hpp"
#include "telemetry/trace/tracer.hpp"
#include "telemetry/trace_view/trace_view.hpp"

namespace app {

// The span names of the view's own requests: their traces never enter the view.
std::vector<std::string> trace_view_span_prefixes();

// True when the view may answer this client: a loopback address, or the token.
bool trace_view_allowed(const http::Request& request, const std::string& debug_token);

void register_trace_view_routes(http::Router& router,
                                std::shared_ptr<telemetry::trace_view::TraceView> view,
                                const telemetry::TracerProvider& tracing,
                                const TraceViewSettings& settings);

}  // namespace app
