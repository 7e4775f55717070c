#pragma once
// GET /ws/boards/{id}: the WebSocket upgrade of a board. The request goes through
// the HTTP server's normal middleware (span, request id, access line); this checks
// it before any upgrade: the token (Authorization: Bearer, or for browsers the
// `access_token` query parameter or an `access_token.<token>` subprotocol) -> 401,
// membership -> 404, Origin -> 403, connection caps -> 429, `since` -> 400.

#include "http/router.hpp"
#include "realtime/client.hpp"

namespace realtime {

void register_routes(http::Router& router, Services& services);

}  // namespace realtime
