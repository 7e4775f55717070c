// GET /api/users/me: the caller's own account.
#include "api/auth.hpp"
#include "api/handlers.hpp"
#include "api/render.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

awaitable<http::Response> me(Dependencies& deps, http::Request& request,
                             const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const domain::User user =
      co_await with_user(deps, token, ctx, [](const domain::User& caller) { return caller; });
  co_return http::json_response(beast_http::status::ok, to_json(user));
}

}  // namespace

void register_user_routes(http::Router& router, Dependencies& deps) {
  add_route(router, beast_http::verb::get, "/api/users/me", deps, me);
}

}  // namespace api
