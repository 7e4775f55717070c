#pragma once
// What the handlers need, built once by the composition root (src/app) and kept alive
// as long as the server runs (handlers hold a reference to it). Nothing here names a
// database backend: use cases run on an executor, the backend's choice.

#include <functional>

#include "api/auth_limits.hpp"
#include "api/client_log_options.hpp"
#include "domain/services.hpp"
#include "storage/executor.hpp"
#include "telemetry/context.hpp"
#include "telemetry/logs/logger.hpp"

namespace api {

struct Dependencies {
  domain::Services& services;   // the use cases: accounts(), boards(), elements()
  storage::Executor& executor;  // where every use case runs (they block)
  // True if the database answers; blocks, so /ready runs it on the executor.
  std::function<bool(const telemetry::Context&)> database_answers;
  const telemetry::logs::Logger& logger;
  ClientLogOptions client_logs;
  // Password hashing and verifying run here, not on `executor`, so that logins and
  // registrations cannot hold every database thread (full: 503 overloaded).
  storage::Executor& hashing;
  AuthLimitOptions auth_limits;  // password guessing and registration flooding
};

}  // namespace api
