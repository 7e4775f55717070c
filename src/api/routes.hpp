#pragma once
// The API's one entry point: puts every route of docs/api.md on the router.

#include <string>
#include <vector>

#include "api/dependencies.hpp"
#include "http/router.hpp"

namespace api {

// `deps` must outlive the router.
void register_routes(http::Router& router, Dependencies& deps);

// The health checks' routes (GET): polled every few seconds by orchestrators, so the
// app serves them quietly (debug-level access lines) and never samples them.
const std::vector<std::string>& health_check_routes();

}  // namespace api
