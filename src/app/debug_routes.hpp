#pragma once
#include "http/router.hpp"

namespace app {

// GET /debug/fault: fails on purpose with an unexpected exception, so that the error
// path (500 body, span status ERROR, exception event, error log line) can be tested
// on the real binary. Registered only when BOARD_DEBUG_FAULTS=1.
void register_fault_route(http::Router& router);

}  // namespace app
