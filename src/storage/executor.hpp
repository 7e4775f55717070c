#pragma once
// Where blocking work runs (repository calls, password hashing), so that it never
// blocks a network thread. `run` hands a synchronous function to the executor's
// threads and resumes the awaiting coroutine on its own executor with the result
// (or the exception). When the executor is full or closing, `run` throws
// storage::Overloaded at once (the API answers 503) and counts the rejection.
//
//   domain::Board board = co_await executor.run([&] { return boards.get(ctx, user, id); });
//
// An interface so that what runs the work (today a thread pool for SQLite
// connections; a PostgreSQL pool or an asynchronous driver later) is the backend's
// choice: handlers see only this.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace storage {

// The executor refused a job: its queue is full, or it is shutting down.
class Overloaded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // `f` is taken by reference and must be awaited in the same expression
  // (`co_await executor.run([&] {...})`), which keeps it alive until the job is done.
  // A by-value parameter is not an option: GCC 12 destroys a lambda passed by value
  // to a coroutine twice (its captures are released twice).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F&& f) {
    using Result = std::invoke_result_t<F&>;
    admit();  // throws Overloaded when full
    // Gives the place back when this coroutine ends, however it ends.
    const Release release{*this};
    co_return co_await boost::asio::co_spawn(
        job_executor(), [&f]() -> boost::asio::awaitable<Result> { co_return f(); },
        boost::asio::use_awaitable);
  }

  // Shutdown steps. Both close the executor first: later run() calls throw
  // Overloaded instead of waiting for threads that are gone.
  // drain(): waits until every admitted job has run (graceful: stop taking requests,
  // then drain, so that nothing accepted is dropped).
  virtual void drain() noexcept = 0;
  // stop(): lets running jobs finish, drops queued ones (their awaiters are never
  // resumed) and joins the threads; idempotent.
  virtual void stop() noexcept = 0;

  virtual std::size_t threads() const noexcept = 0;
  virtual std::size_t max_pending() const noexcept = 0;
  virtual std::size_t pending() const noexcept = 0;     // queued + running now
  virtual std::uint64_t rejected() const noexcept = 0;  // refused since start

 protected:
  // Takes a place for one job or throws Overloaded; release() gives it back.
  virtual void admit() = 0;
  virtual void release() noexcept = 0;
  // Where admitted jobs run.
  virtual boost::asio::any_io_executor job_executor() noexcept = 0;

 private:
  struct Release {
    Executor& executor;
    ~Release() { executor.release(); }
  };
};

}  // namespace storage
