#include "telemetry/http/server_exchange.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <span>

#include "telemetry/propagation/request_id.hpp"
#include "telemetry/propagation/trace_context.hpp"
#include "telemetry/redaction.hpp"
#include "telemetry/trace/tracer.hpp"

namespace telemetry::http {

namespace {

// The span name, "GET /api/boards/{id}": in `buffer` when it fits, which spares an
// allocation per request, else in `spill`. Low-cardinality by construction: the route
// template, never the raw path.
std::string_view span_name(std::string_view method, std::string_view route, std::span<char> buffer,
                           std::string& spill) {
  if (method.empty()) return "HTTP";
  if (route.empty()) return method;
  const std::size_t size = method.size() + 1 + route.size();
  if (size > buffer.size()) {
    spill.reserve(size);
    spill.append(method).append(1, ' ').append(route);
    return spill;
  }
  auto out = std::copy(method.begin(), method.end(), buffer.begin());
  *out++ = ' ';
  std::copy(route.begin(), route.end(), out);
  return std::string_view(buffer.data(), size);
}

SpanContext extract_parent(const IncomingRequest& request) {
  // Several traceparent headers are as invalid as a malformed one: start a new trace.
  const std::string_view traceparent =
      request.traceparent_count == 1 ? request.traceparent : std::string_view{};
  return propagation::extract(traceparent, request.tracestate, request.x_trace_id).parent;
}

}  // namespace

ServerExchange::ServerExchange(Tracer& tracer, const logs::Logger& logger,
                               const ServerExchangeOptions& options, const IncomingRequest& request,
                               std::string_view route)
    : logger_(logger),
      context_(logger, span_, identity_),
      method_(request.method),
      route_(route),
      path_(request.path),
      client_address_(request.client_address),
      user_agent_(request.user_agent),
      bytes_in_(request.bytes_in),
      started_(std::chrono::steady_clock::now()) {
  identity_.request_id = propagation::is_valid_request_id(request.request_id)
                             ? std::string(request.request_id)
                             : propagation::new_request_id();
  quiet_ = std::find(options.quiet_routes.begin(), options.quiet_routes.end(), route_) !=
           options.quiet_routes.end();
  std::array<char, 128> name_buffer;
  std::string long_name;
  span_ = tracer.start_span(span_name(method_, route_, name_buffer, long_name), SpanKind::server,
                            extract_parent(request));
  if (span_.is_recording()) set_request_attributes(request);
}

ServerExchange::~ServerExchange() {
  if (!finished_) finish(500, 0, "unfinished");
}

void ServerExchange::set_request_attributes(const IncomingRequest& request) {
  if (!request.method.empty()) span_.set_attribute("http.request.method", request.method);
  span_.set_attribute("url.path", request.path);
  span_.set_attribute("url.scheme", request.scheme);
  if (!request.query.empty())
    span_.set_attribute("url.query", redaction::redact_query(request.query));
  if (!route_.empty()) span_.set_attribute("http.route", route_);
  if (!request.server_address.empty()) {
    span_.set_attribute("server.address", request.server_address);
    span_.set_attribute("server.port", static_cast<std::int64_t>(request.server_port));
  }
  if (!request.client_address.empty()) {
    span_.set_attribute("client.address", request.client_address);
  }
  if (!request.user_agent.empty()) {
    span_.set_attribute("user_agent.original", request.user_agent);
  }
  span_.set_attribute("network.protocol.version", request.protocol_version);
  span_.set_attribute("http.request.id", identity_.request_id);
}

void ServerExchange::for_each_response_header(
    const std::function<void(std::string_view, std::string_view)>& add) const {
  const SpanContext& context = span_.context();
  std::array<char, 55> traceparent{};
  propagation::format_traceparent(context.trace_id, context.span_id, context.flags,
                                  traceparent.data());
  const std::string_view traceparent_view(traceparent.data(), traceparent.size());
  std::array<char, TraceId::kHexLength> trace_id{};
  context.trace_id.write_hex(trace_id.data());

  add("x-request-id", identity_.request_id);
  add("traceparent", traceparent_view);
  // W3C Trace Context Level 2 lets a server hand its own span back to the caller.
  add("traceresponse", traceparent_view);
  add("x-trace-id", std::string_view(trace_id.data(), trace_id.size()));
  if (!context.trace_state.empty()) add("tracestate", context.trace_state);
}

void ServerExchange::finish(unsigned status, std::uint64_t bytes_out, std::string_view error_type) {
  record(status, bytes_out, error_type, /*aborted=*/false);
}

void ServerExchange::abort(unsigned status, std::uint64_t bytes_out, std::string_view reason) {
  record(status, bytes_out, reason, /*aborted=*/true);
}

void ServerExchange::record(unsigned status, std::uint64_t bytes_out, std::string_view error_type,
                            bool aborted) {
  if (finished_) return;
  finished_ = true;
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  const double duration_ms =
      static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()) /
      1000.0;

  if (span_.is_recording()) {
    span_.set_attribute("http.response.status_code", static_cast<std::int64_t>(status));
    if (identity_.user_id) span_.set_attribute("enduser.id", std::to_string(*identity_.user_id));
    if (status >= 500 || aborted) {
      // Semantic conventions: 5xx is a server error; 4xx leaves a server span unset. A
      // response the client never fully received failed whatever its status.
      const std::string type =
          error_type.empty() ? std::to_string(status) : std::string(error_type);
      span_.set_attribute("error.type", type);
      span_.set_status(StatusCode::error, type);
    }
  }

  const logs::Level level = quiet_ && !aborted ? logs::Level::debug
                            : status >= 500    ? logs::Level::error
                            : aborted          ? logs::Level::warn
                                               : logs::Level::info;
  if (logger_.enabled(level, "http")) {
    const logs::Correlation correlation{&span_.context(), identity_.request_id, identity_.user_id};
    const std::string_view route = route_.empty() ? std::string_view("unmatched") : route_;
    const logs::Field fields[] = {
        {"method", method_},
        {"route", route},
        {"path", path_},
        {"status", static_cast<std::int64_t>(status)},
        {"duration_ms", duration_ms},
        {"bytes_in", static_cast<std::int64_t>(bytes_in_)},
        {"bytes_out", static_cast<std::int64_t>(bytes_out)},
        {"client_address", client_address_},
        {"user_agent", user_agent_},
        {"reason", error_type},
    };
    // The reason is a field only of an aborted request.
    const std::span<const logs::Field> written(fields,
                                               aborted ? std::size(fields) : std::size(fields) - 1);
    logger_.write(level, "http", aborted ? "request aborted" : "request completed", written,
                  &correlation);
  }
  span_.end();
}

}  // namespace telemetry::http
