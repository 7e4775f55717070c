#pragma once
// Runs a use case on the executor and turns its DomainError into the HTTP error
// docs/api.md promises (and a full executor into 503 overloaded). Handlers call
// services only through `call_domain`, so the I/O thread never blocks and no domain
// error escapes as a 500.
//
//   auto board = co_await call_domain(deps.executor, [&] { return boards.get(ctx, user, id); });

#include <boost/asio/awaitable.hpp>
#include <type_traits>
#include <utility>

#include "domain/errors.hpp"
#include "http/error.hpp"
#include "storage/executor.hpp"

namespace api {

// The HTTP form of a domain error: status, code, message and details (field errors;
// the current element on a version conflict), plus WWW-Authenticate on 401.
http::ApiError to_api_error(const domain::DomainError& error);

// 503 overloaded with Retry-After: the executor's queue is full or it is closing.
http::ApiError overloaded_error(const storage::Overloaded& refusal);

// `f` must be awaited in the same expression; see storage::Executor::run for why it
// is taken by reference.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> call_domain(storage::Executor& executor, F&& f) {
  try {
    co_return co_await executor.run(f);
  } catch (const domain::DomainError& error) {
    throw to_api_error(error);
  } catch (const storage::Overloaded& refusal) {
    throw overloaded_error(refusal);
  }
}

}  // namespace api
