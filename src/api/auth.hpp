#pragma once
// Who is calling: the Bearer token of the Authorization header, checked by the
// account service on the database pool. Every authenticated handler starts here.

#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "api/routes.hpp"
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

// The token's user; 401 when the token is unknown or expired. Sets ctx's user id so
// that the request's later log lines and its span name the user.
boost::asio::awaitable<domain::User> authenticate(const http::Request& request,
                                                  const telemetry::Context& ctx,
                                                  Dependencies& deps);

}  // namespace api
