#pragma once
// Where database work runs, so that it never blocks a network thread: a small fixed
// thread pool with a bounded number of pending jobs. `run` hands a synchronous
// function to the pool and resumes the awaiting coroutine on its own executor with
// the result (or the exception). When the queue is full, `run` throws
// DomainError(overloaded) at once (the API answers 503) and counts the rejection.
//
//   domain::Board board = co_await db.run([&] { return boards.get(ctx, user, id); });

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace storage {

struct DbExecutorOptions {
  std::size_t threads = 4;
  std::size_t max_pending = 1024;  // queued + running jobs
};

class DbExecutor {
 public:
  explicit DbExecutor(DbExecutorOptions options = {});
  ~DbExecutor();  // stop()
  DbExecutor(const DbExecutor&) = delete;
  DbExecutor& operator=(const DbExecutor&) = delete;

  // `f` is taken by reference and must be awaited in the same expression
  // (`co_await db.run([&] {...})`), which keeps it alive until the job is done. A
  // by-value parameter is not an option: GCC 12 destroys a lambda passed by value to
  // a coroutine twice (its captures are released twice).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F&& f) {
    using Result = std::invoke_result_t<F&>;
    admit();  // throws overloaded when full
    // Gives the place back when this coroutine ends, however it ends.
    const Release release{pending_};
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(), [&f]() -> boost::asio::awaitable<Result> { co_return f(); },
        boost::asio::use_awaitable);
  }

  // Shutdown steps. Both close the executor first: later run() calls throw
  // overloaded instead of waiting for threads that are gone.
  // drain(): waits until every admitted job has run (graceful: stop taking
  // requests, then drain, so that nothing accepted is dropped).
  void drain() noexcept;
  // stop(): lets running jobs finish, drops queued ones (their awaiters are never
  // resumed) and joins the threads; idempotent. The destructor calls it.
  void stop() noexcept;

  std::size_t threads() const noexcept { return options_.threads; }
  std::size_t max_pending() const noexcept { return options_.max_pending; }
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }
  std::uint64_t rejected() const noexcept { return rejected_.load(std::memory_order_relaxed); }

 private:
  struct Release {
    std::atomic<std::size_t>& pending;
    ~Release() { pending.fetch_sub(1, std::memory_order_relaxed); }
  };

  void admit();

  DbExecutorOptions options_;
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<bool> closed_{false};
};

}  // namespace storage
