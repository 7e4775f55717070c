// Authentication helpers and the account routes: register, login, logout.
#include "api/auth.hpp"

#include <boost/json/object.hpp>

#include "api/domain_call.hpp"
#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

http::ApiError unauthorized(std::string_view message, bool token_presented) {
  http::ApiError error(beast_http::status::unauthorized, "unauthorized", std::string(message));
  error.headers.emplace_back("WWW-Authenticate",
                             token_presented
                                 ? "Bearer realm=\"realtime-board\", error=\"invalid_token\""
                                 : "Bearer realm=\"realtime-board\"");
  return error;
}

std::string_view bearer_token(const http::Request& request) {
  std::string_view value = request.header(beast_http::field::authorization);
  if (value.empty()) throw unauthorized("this request needs Authorization: Bearer <token>", false);
  constexpr std::string_view scheme = "bearer";
  bool scheme_matches = value.size() > scheme.size() && value[scheme.size()] == ' ';
  for (std::size_t i = 0; scheme_matches && i < scheme.size(); ++i) {
    const char c = value[i];
    scheme_matches = (c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c) == scheme[i];
  }
  if (!scheme_matches)
    throw unauthorized("the Authorization header must use the Bearer scheme", true);
  value.remove_prefix(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) throw unauthorized("the Bearer token is empty", true);
  return value;
}

domain::User authenticate_on_pool(const telemetry::Context& ctx, domain::AccountService& accounts,
                                  std::string_view token) {
  try {
    domain::User user = accounts.authenticate(ctx, token);
    return user;
  } catch (const domain::DomainError& error) {
    if (error.code() != domain::ErrorCode::unauthorized) throw;
    // With the RFC 6750 hint that the presented token was the problem.
    throw unauthorized(error.message(), true);
  }
}

namespace {

domain::Credentials read_credentials(const http::Request& request) {
  const auto body = parse_json_body(request);
  ObjectReader reader(require_object(body));
  auto username = reader.string("username", ObjectReader::Need::required);
  auto password = reader.string("password", ObjectReader::Need::required);
  reader.finish();
  return {std::move(*username), std::move(*password)};
}

awaitable<http::Response> register_user(Dependencies& deps, http::Request& request,
                                        const telemetry::Context& ctx) {
  const domain::Credentials credentials = read_credentials(request);
  auto& accounts = deps.services.accounts();
  const domain::User user =
      co_await call_domain(deps.executor, [&] { return accounts.register_user(ctx, credentials); });
  co_return http::json_response(beast_http::status::created, to_json(user));
}

awaitable<http::Response> login(Dependencies& deps, http::Request& request,
                                const telemetry::Context& ctx) {
  const domain::Credentials credentials = read_credentials(request);
  auto& accounts = deps.services.accounts();
  const domain::Session session =
      co_await call_domain(deps.executor, [&] { return accounts.login(ctx, credentials); });
  co_return http::json_response(beast_http::status::ok,
                                boost::json::object{{"token", session.token},
                                                    {"expires_at", session.expires_at},
                                                    {"user", to_json(session.user)}});
}

awaitable<http::Response> logout(Dependencies& deps, http::Request& request,
                                 const telemetry::Context& ctx) {
  // Authenticated first so that a bad token is a 401, as on every other route.
  auto& accounts = deps.services.accounts();
  const std::string_view token = bearer_token(request);
  co_await with_user(deps, token, ctx, [&](const domain::User&) { accounts.logout(ctx, token); });
  co_return http::empty_response(beast_http::status::no_content);
}

}  // namespace

void register_auth_routes(http::Router& router, Dependencies& deps) {
  using beast_http::verb;
  add_route(router, verb::post, "/api/auth/register", deps, register_user);
  add_route(router, verb::post, "/api/auth/login", deps, login);
  add_route(router, verb::post, "/api/auth/logout", deps, logout);
}

}  // namespace api
