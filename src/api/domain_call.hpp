#pragma once
// Runs a use case on the database pool and turns its DomainError into the HTTP error
// docs/api.md promises. Handlers call services only through `call_domain`, so the
// I/O thread never blocks and no domain error escapes as a 500.
//
//   auto board = co_await call_domain(deps.db, [&] { return boards.get(ctx, user, id); });

#include <boost/asio/awaitable.hpp>
#include <type_traits>
#include <utility>

#include "domain/errors.hpp"
#include "http/error.hpp"
#include "storage/db_executor.hpp"

namespace api {

// The HTTP form of a domain error: status, code, message and details (field errors;
// the current element on a version conflict), plus WWW-Authenticate on 401 and
// Retry-After on 503.
http::ApiError to_api_error(const domain::DomainError& error);

// `f` must be awaited in the same expression; see DbExecutor::run for why it is
// taken by reference.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> call_domain(storage::DbExecutor& db, F&& f) {
  try {
    co_return co_await db.run(f);
  } catch (const domain::DomainError& error) {
    throw to_api_error(error);
  }
}

}  // namespace api
