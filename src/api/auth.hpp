#pragma once
// Who is calling: the Bearer token of the Authorization header, checked by the
// account service on the executor. Every authenticated handler starts here.

#include <boost/asio/awaitable.hpp>
#include <string_view>
#include <type_traits>

#include "api/dependencies.hpp"
#include "api/domain_call.hpp"
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
// expired. The account service records the user on ctx's request identity, so the
// request's later log lines and its span name the user.
domain::User authenticate_on_pool(const telemetry::Context& ctx, domain::AccountService& accounts,
                                  std::string_view token);

// Every authenticated handler goes through here: checks the Bearer token and runs
// `use_case(user)` in the same job on the executor, so a request makes one trip to
// the database threads instead of two (each trip is two thread hand-offs). The
// handler takes the token (bearer_token: 401 for a missing header) and reads and
// validates its path and body on the I/O thread before calling this, so bad input
// never takes a database slot. `use_case`'s DomainError becomes the API error, as
// with call_domain.
//
//   const std::string_view token = bearer_token(request);
//   const auto board_id = path_id(request, "id", "board");
//   const domain::Board board = co_await with_user(deps, token, ctx,
//       [&](const domain::User& user) { return boards.get(ctx, user.id, board_id); });
//
// `use_case` must be awaited in the same expression (see storage::Executor::run).
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&, const domain::User&>> with_user(
    Dependencies& deps, std::string_view token, const telemetry::Context& ctx, F&& use_case) {
  domain::AccountService& accounts = deps.services.accounts();
  const auto job = [&] { return use_case(authenticate_on_pool(ctx, accounts, token)); };
  co_return co_await call_domain(deps.executor, job);
}

}  // namespace api
