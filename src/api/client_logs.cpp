// POST /api/telemetry/client: the browser's log events, written into the backend's
// own log stream under their own trace ids so that both sides of a trace meet in
// Loki. Unauthenticated by design (the browser logs before login), hence the size
// limits and the per-address rate limit.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <deque>
#include <memory>

#include "api/client_log_event.hpp"
#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/rate_limiter.hpp"
#include "http/error.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

constexpr std::string_view kTarget = "client";

void emit(const telemetry::logs::Logger& logger, const telemetry::Context& ctx,
          const ClientLogEvent& event) {
  if (!logger.enabled(event.level, kTarget)) return;
  // Keys are built here and must outlive write(): a deque never moves its elements.
  std::deque<std::string> keys;
  std::vector<telemetry::logs::Field> fields;
  fields.reserve(5 + event.fields.size());
  fields.emplace_back("source", "frontend");
  fields.emplace_back("client_level", telemetry::logs::to_string(event.level));
  fields.emplace_back("client_message", event.message);
  fields.emplace_back("client_timestamp", event.timestamp);
  if (event.board_id) fields.emplace_back("board_id", *event.board_id);
  for (const auto& [key, value] : event.fields) {
    // The logger redacts secret-looking keys ("client_field.password") itself.
    fields.emplace_back(keys.emplace_back("client_field." + key), value);
  }
  // The event's own trace, not this request's: the line belongs to the browser's span.
  telemetry::logs::Correlation correlation;
  correlation.span = event.span ? &*event.span : nullptr;
  correlation.request_id = ctx.request_id();
  correlation.user_id = ctx.user_id();
  logger.write(event.level, kTarget, "client_log", fields, &correlation);
}

awaitable<http::Response> ingest(Dependencies& deps, RateLimiter& limiter, http::Request& request,
                                 const telemetry::Context& ctx) {
  const auto& options = deps.client_logs;
  const auto decision = limiter.admit(request.client_address);
  if (!decision.allowed) {
    http::ApiError error(beast_http::status::too_many_requests, "rate_limited",
                         "too many client log requests from this address; retry later");
    error.headers.emplace_back("Retry-After", std::to_string(decision.retry_after.count()));
    throw error;
  }
  if (request.body().size() > options.max_body_bytes) {
    throw http::ApiError(
        beast_http::status::payload_too_large, "payload_too_large",
        "a client log batch may be at most " + std::to_string(options.max_body_bytes) + " bytes");
  }
  const auto body = parse_json_body(request);
  const auto* events = body.if_array();
  if (events == nullptr) {
    throw validation_error({{"body", "must be a JSON array of log events"}});
  }
  if (events->size() > options.max_events) {
    throw validation_error(
        {{"body", "must hold at most " + std::to_string(options.max_events) + " events"}});
  }

  std::size_t accepted = 0;
  boost::json::array rejected;
  for (std::size_t index = 0; index < events->size(); ++index) {
    auto result = read_client_log_event((*events)[index]);
    if (auto* event = std::get_if<ClientLogEvent>(&result)) {
      emit(deps.logger, ctx, *event);
      ++accepted;
    } else {
      rejected.push_back(boost::json::object{
          {"index", index},
          {"errors", to_json(std::get<std::vector<domain::FieldError>>(result))}});
    }
  }
  ctx.span().set_attribute("client_log.accepted", static_cast<std::int64_t>(accepted));
  ctx.span().set_attribute("client_log.rejected", static_cast<std::int64_t>(rejected.size()));
  if (!rejected.empty()) {
    const std::string message = std::to_string(rejected.size()) + " of " +
                                std::to_string(events->size()) + " events rejected";
    // The valid events are already written; the details say which were not.
    throw http::ApiError(
        beast_http::status::unprocessable_entity, "validation_failed", message,
        boost::json::object{{"accepted", accepted}, {"rejected", std::move(rejected)}});
  }
  co_return http::json_response(
      beast_http::status::accepted,
      boost::json::object{{"accepted", accepted}, {"rejected", boost::json::array{}}});
}

}  // namespace

void register_client_log_routes(http::Router& router, Dependencies& deps) {
  const auto& options = deps.client_logs;
  auto limiter = std::make_shared<RateLimiter>(options.rate_requests, options.rate_window,
                                               options.max_tracked_clients, options.clock);
  router.add(beast_http::verb::post, "/api/telemetry/client",
             [&deps, limiter](http::Request& request, const telemetry::Context& ctx) {
               return ingest(deps, *limiter, request, ctx);
             });
}

}  // namespace api
