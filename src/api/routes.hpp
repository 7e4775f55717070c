#pragma once
// The API's entry point: what the handlers need, and the one call that puts them on
// the router. The app builds Dependencies once and keeps it alive as long as the
// server runs (handlers hold a reference to it).

#include "api/client_log_options.hpp"
#include "http/router.hpp"
#include "storage/db_executor.hpp"
#include "storage/storage.hpp"
#include "telemetry/logs/logger.hpp"

namespace api {

struct Dependencies {
  storage::Storage& storage;  // the services: accounts(), boards(), elements()
  storage::DbExecutor& db;    // where every service call runs (storage.executor())
  const telemetry::logs::Logger& logger;
  ClientLogOptions client_logs;
};

// Registers every route of docs/api.md. `deps` must outlive the router.
void register_routes(http::Router& router, Dependencies& deps);

}  // namespace api
