#pragma once
// Where repository calls and other blocking work run, so that a network thread never
// waits long. `run` hands a synchronous function to the executor and resumes the
// awaiting coroutine on its own executor with the result (or the exception). When the
// executor is full or closing, `run` throws storage::Overloaded (the API answers 503)
// and counts the refusal.
//
//   domain::Board board = co_await executor.run([&] { return boards.get(ctx, user, id); });
//
// An interface so that where the work runs is the backend's choice, and handlers see
// only this: the SQLite backend runs reads inline on the calling thread and queues
// writes to one writer thread that commits them in groups (sqlite/sqlite_executor.hpp);
// the password-hashing pool is a plain thread pool (db_executor.hpp); a PostgreSQL
// backend can put a connection pool or an asynchronous driver behind it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
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
  //
  // `f` may be called more than once: an executor may try it in one place and, if it
  // turns out to need another (a read-only attempt that reaches a write), call it
  // again there. Only the last call's result counts, so `f` must have no effect of its
  // own outside what it does through the repositories.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F&& f) {
    using Result = std::invoke_result_t<F&>;
    admit();  // throws Overloaded when closed (or full)
    // Gives the place back when this coroutine ends, however it ends.
    const Release release{*this};
    if constexpr (std::is_void_v<Result>) {
      auto call = [&f] { f(); };
      co_await execute(Job(call));
    } else {
      std::optional<Result> result;
      auto call = [&f, &result] { result.emplace(f()); };
      co_await execute(Job(call));
      co_return std::move(*result);
    }
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
  // One call of the caller's function, type-erased; a Job refers to a function object
  // that lives in the awaiting coroutine's frame until execute() completes.
  class Job {
   public:
    template <class Call>
    explicit Job(Call& call) noexcept
        : target_(&call), invoke_([](void* target) { (*static_cast<Call*>(target))(); }) {}
    void operator()() const { invoke_(target_); }

   private:
    void* target_;
    void (*invoke_)(void*);
  };

  // Takes a place for one job or throws Overloaded; release() gives it back.
  virtual void admit() = 0;
  virtual void release() noexcept = 0;
  // Runs `job` (once or more, see run()) and completes when its last call has returned
  // or thrown, rethrowing what it threw; throws Overloaded if it cannot take the job.
  virtual boost::asio::awaitable<void> execute(Job job) = 0;

 private:
  struct Release {
    Executor& executor;
    ~Release() { executor.release(); }
  };
};

}  // namespace storage
