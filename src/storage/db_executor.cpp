#include "storage/db_executor.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace storage {

DbExecutor::DbExecutor(DbExecutorOptions options)
    : options_{std::max<std::size_t>(options.threads, 1),
               std::max<std::size_t>(options.max_pending, 1), std::move(options.what)},
      pool_(options_.threads) {}

DbExecutor::~DbExecutor() {
  stop();
}

void DbExecutor::drain() noexcept {
  closed_.store(true);
  // thread_pool::join() without stop() returns once the pool has run out of work.
  pool_.join();
}

void DbExecutor::stop() noexcept {
  closed_.store(true);
  pool_.stop();
  pool_.join();
}

void DbExecutor::admit() {
  if (closed_.load()) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    throw Overloaded(options_.what + " is shutting down");
  }
  std::size_t current = pending_.load(std::memory_order_relaxed);
  do {
    if (current >= options_.max_pending) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      throw Overloaded(options_.what + " is busy; try again shortly");
    }
  } while (!pending_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed));
}

boost::asio::awaitable<void> DbExecutor::execute(Job job) {
  co_await boost::asio::co_spawn(
      pool_.get_executor(),
      [job]() -> boost::asio::awaitable<void> {
        job();
        co_return;
      },
      boost::asio::use_awaitable);
}

}  // namespace storage
