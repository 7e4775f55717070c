#pragma once
// Shared by the per-resource files: how a handler is put on the router, and each
// file's registration function (register_routes calls them all).

#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/dependencies.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "telemetry/context.hpp"

namespace api {

using HandlerFunction = boost::asio::awaitable<http::Response> (*)(Dependencies&, http::Request&,
                                                                   const telemetry::Context&);

// Handlers are plain functions of (deps, request, ctx); the lambda that binds `deps`
// is not itself a coroutine, so no coroutine frame refers to a lambda object.
inline void add_route(http::Router& router, http::beast_http::verb method, std::string pattern,
                      Dependencies& deps, HandlerFunction handler) {
  router.add(method, std::move(pattern),
             [&deps, handler](http::Request& request, const telemetry::Context& ctx) {
               return handler(deps, request, ctx);
             });
}

void register_health_routes(http::Router& router, Dependencies& deps);
void register_auth_routes(http::Router& router, Dependencies& deps);
void register_user_routes(http::Router& router, Dependencies& deps);
void register_board_routes(http::Router& router, Dependencies& deps);
void register_member_routes(http::Router& router, Dependencies& deps);
void register_element_routes(http::Router& router, Dependencies& deps);
void register_client_log_routes(http::Router& router, Dependencies& deps);

}  // namespace api
