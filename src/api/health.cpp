// GET /health (the process is alive) and GET /ready (the database answers).
#include <boost/json/object.hpp>

#include "api/handlers.hpp"
#include "api/routes.hpp"
#include "http/error.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

awaitable<http::Response> health(Dependencies&, http::Request&, const telemetry::Context&) {
  co_return http::json_response(beast_http::status::ok, boost::json::object{{"status", "ok"}});
}

awaitable<http::Response> ready(Dependencies& deps, http::Request&, const telemetry::Context& ctx) {
  bool answered = false;
  try {
    // A full queue (of writes, for SQLite, whose reads are not queued) means: not ready
    // to take more work right now, even though the check itself could still run.
    if (deps.executor.pending() >= deps.executor.max_pending()) {
      throw storage::Overloaded("the database queue is full");
    }
    answered = co_await deps.executor.run([&] { return deps.database_answers(ctx); });
  } catch (const storage::Overloaded& refusal) {
    ctx.warn("api", "readiness check refused", {{"reason", refusal.what()}});
  }
  if (!answered) {
    http::ApiError error(beast_http::status::service_unavailable, "not_ready",
                         "the database does not answer");
    error.headers.emplace_back("Retry-After", "1");
    throw error;
  }
  co_return http::json_response(beast_http::status::ok, boost::json::object{{"status", "ready"}});
}

}  // namespace

constexpr char kHealthRoute[] = "/health";
constexpr char kReadyRoute[] = "/ready";

const std::vector<std::string>& health_check_routes() {
  static const std::vector<std::string> routes{kHealthRoute, kReadyRoute};
  return routes;
}

void register_health_routes(http::Router& router, Dependencies& deps) {
  add_route(router, beast_http::verb::get, kHealthRoute, deps, health);
  add_route(router, beast_http::verb::get, kReadyRoute, deps, ready);
}

}  // namespace api
