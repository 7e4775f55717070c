#pragma once
// The one HTTP tracing middleware (the pattern userver uses): every request served
// passes through a ServerExchange, which
//   - keeps a valid incoming x-request-id or makes a new one,
//   - continues the caller's W3C trace context (or an older client's x-trace-id),
//   - starts the SERVER span with the stable HTTP semantic-convention attributes,
//   - gives handlers a telemetry::Context carrying all of it,
//   - and, whatever the outcome, writes the trace headers into the response, ends the
//     span and writes one access log line.
// It knows HTTP but not the server that carries it: the server fills IncomingRequest.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/context.hpp"
#include "telemetry/logs/logger.hpp"
#include "telemetry/trace/span.hpp"

namespace telemetry {
class Tracer;
}

namespace telemetry::http {

struct IncomingRequest {
  std::string_view method;  // "GET"; empty when the request line could not be parsed
  std::string_view path;    // without the query
  std::string_view query;   // without '?'
  std::string_view protocol_version = "1.1";
  std::string_view user_agent;
  std::string_view request_id;   // x-request-id as received (may be invalid)
  std::string_view traceparent;  // as received; several values mean invalid
  std::size_t traceparent_count = 0;
  std::vector<std::string_view> tracestate;  // every tracestate header, in order
  std::string_view x_trace_id;
  std::string_view scheme = "http";
  std::string_view server_address;
  std::uint16_t server_port = 0;
  std::string_view client_address;
  std::uint64_t bytes_in = 0;
};

struct ServerExchangeOptions {
  // Routes served at debug level in the access log (health checks); the app names
  // them, and gives the same routes to its sampler so that they are never sampled.
  std::vector<std::string> quiet_routes;
};

class ServerExchange {
 public:
  // The strings `request` and `route` refer to must outlive the exchange.
  ServerExchange(Tracer& tracer, const logs::Logger& logger, const ServerExchangeOptions& options,
                 const IncomingRequest& request, std::string_view route);
  ServerExchange(const ServerExchange&) = delete;
  ServerExchange& operator=(const ServerExchange&) = delete;
  ~ServerExchange();  // finishes with status 500 if finish() was never called

  const Context& context() const noexcept { return context_; }
  Span& span() noexcept { return span_; }
  const std::string& request_id() const noexcept { return identity_.request_id; }
  std::string trace_id_hex() const { return span_.context().trace_id.to_hex(); }

  // Headers every response carries: x-request-id, traceparent, traceresponse,
  // x-trace-id and tracestate when one was received.
  void for_each_response_header(
      const std::function<void(std::string_view, std::string_view)>& add) const;

  // Records the outcome: ends the span and writes the access line. `error_type` names
  // what failed (an exception type or a status) when the request failed.
  void finish(unsigned status, std::uint64_t bytes_out, std::string_view error_type = {});

  // Records a response cut off before its last byte: the client stopped reading and
  // the write timed out, or the connection was closed at the end of the shutdown grace
  // period. The span is an error of type `reason`; the access line, at warn level,
  // says "request aborted" with the status that was being sent, the bytes actually
  // written and the reason.
  void abort(unsigned status, std::uint64_t bytes_out, std::string_view reason);

 private:
  void set_request_attributes(const IncomingRequest& request);
  void record(unsigned status, std::uint64_t bytes_out, std::string_view error_type, bool aborted);

  const logs::Logger& logger_;
  RequestIdentity identity_;
  Span span_;
  Context context_;
  // Views into the request and the route table: the server keeps both alive until the
  // exchange is finished, so the request path copies none of them.
  std::string_view method_;
  std::string_view route_;
  std::string_view path_;
  std::string_view client_address_;
  std::string_view user_agent_;
  std::uint64_t bytes_in_ = 0;
  bool quiet_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace telemetry::http
