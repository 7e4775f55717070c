#pragma once
// GET /: a small page to try the board in a browser, served from the binary: plain
// HTML, CSS and JavaScript with nothing fetched from elsewhere. Log in or register,
// pick or create a board, add sticky notes, drag and edit them, and see other
// people's notes and cursors move live. Each WebSocket message carries a
// traceparent; the page's own errors go to POST /api/telemetry/client.

#include "http/router.hpp"

namespace realtime {

void register_page(http::Router& router);

}  // namespace realtime
