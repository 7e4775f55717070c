#pragma once
// Who is calling: the Bearer token of the Authorization header, checked by the
// account service on the database pool. Every authenticated handler starts here.

#include <boost/asio/awaitable.hpp>
#include <string_view>
#include <type_traits>

#include "api/domain_call.hpp"
#include "api/routes.hpp"
#include "domain/account_service.hpp"
#include "domain/entities.hpp"
#include "http/error.hpp"
#include "http/request.hpp"
#include "telemetry/context.hpp"

namespace api {

// 401 unauthorized with WWW-Authenticate: Bearer (RFC 6750 adds error="invalid_token"
// when a token was presented).
http::ApiError unauthorized(std::string_view message, bool token_presented);

// The token of "Authorization: Bearer <token>" (scheme in any case); 401 when the
// header is missing, uses another scheme or has no token. Never logged.
std::string_view bearer_token(const http::Request& request);

// The token's user, for use inside a database job; 401 when the token is unknown or
// expired. Sets ctx's user id so that the request's later log lines and its span name
// the user.
domain::User authenticate_on_pool(const telemetry::Context& ctx, domain::AccountService& accounts,
                                  std::string_view token);

// Every authenticated handler goes through here: checks the Bearer token and runs
// `use_case(user)` in the same job on the database pool, so a request makes one trip
// to the pool instead of two (each trip is two thread hand-offs). `use_case` runs only
// once the caller is known, so a request with a bad token gets its 401 before its body
// or path is looked at; it may validate the request (an http::ApiError passes through
// unchanged) and its DomainError becomes the API error, as with call_domain.
//
//   const domain::Board board = co_await with_user(deps, request, ctx,
//       [&](const domain::User& user) { return boards.get(ctx, user.id, board_id); });
//
// `use_case` must be awaited in the same expression (see DbExecutor::run).
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&, const domain::User&>> with_user(
    Dependencies& deps, const http::Request& request, const telemetry::Context& ctx, F&& use_case) {
  const std::string_view token = bearer_token(request);
  domain::AccountService& accounts = deps.storage.accounts();
  const auto job = [&] { return use_case(authenticate_on_pool(ctx, accounts, token)); };
  co_return co_await call_domain(deps.db, job);
}

}  // namespace api
