// Authentication helpers and the account routes: register, login, logout.
#include "api/auth.hpp"

#include <boost/json/object.hpp>
#include <memory>

#include "api/auth_limits.hpp"
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

awaitable<http::Response> register_user(Dependencies& deps, AuthLimits& limits,
                                        http::Request& request, const telemetry::Context& ctx) {
  const domain::Credentials credentials = read_credentials(request);
  limits.start_registration(request.client_address);
  auto& accounts = deps.services.accounts();
  const std::string hash = co_await call_domain(
      deps.hashing, [&] { return accounts.hash_new_password(ctx, credentials); });
  const domain::User user = co_await call_domain(
      deps.executor, [&] { return accounts.insert_user(ctx, credentials.username, hash); });
  co_return http::json_response(beast_http::status::created, to_json(user));
}

awaitable<http::Response> login(Dependencies& deps, AuthLimits& limits, http::Request& request,
                                const telemetry::Context& ctx) {
  const domain::Credentials credentials = read_credentials(request);
  // Counted before any work, so that parallel guesses cannot pass the limit together.
  LoginAttempt attempt = limits.start_login(request.client_address, credentials.username);
  auto& accounts = deps.services.accounts();
  domain::User user;
  try {
    const auto found =
        co_await call_domain(deps.executor, [&] { return accounts.find_login(ctx, credentials); });
    user = co_await call_domain(
        deps.hashing, [&] { return accounts.check_password(ctx, found, credentials.password); });
  } catch (const http::ApiError& error) {
    if (error.status() == beast_http::status::unauthorized) attempt.failed();
    throw;
  }
  const domain::Session session =
      co_await call_domain(deps.executor, [&] { return accounts.open_session(ctx, user); });
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
  // One set of limits for the process, shared by the two routes' handlers.
  auto limits = std::make_shared<AuthLimits>(deps.auth_limits);
  router.add(verb::post, "/api/auth/register",
             [&deps, limits](http::Request& request, const telemetry::Context& ctx) {
               return register_user(deps, *limits, request, ctx);
             });
  router.add(verb::post, "/api/auth/login",
             [&deps, limits](http::Request& request, const telemetry::Context& ctx) {
               return login(deps, *limits, request, ctx);
             });
  add_route(router, verb::post, "/api/auth/logout", deps, logout);
}

}  // namespace api
