#pragma once
// A small fixed thread pool as an Executor, with a bounded number of queued and
// running jobs: the password-hashing pool (CPU-bound work that must not hold an I/O
// thread). The SQLite backend has its own executor (sqlite/sqlite_executor.hpp).

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/executor.hpp"

namespace storage {

struct DbExecutorOptions {
  std::size_t threads = 4;
  std::size_t max_pending = 1024;     // queued + running jobs
  std::string what = "the database";  // names the pool in its refusals (503 messages)
};

class DbExecutor final : public Executor {
 public:
  explicit DbExecutor(DbExecutorOptions options = {});
  ~DbExecutor() override;  // stop()
  DbExecutor(const DbExecutor&) = delete;
  DbExecutor& operator=(const DbExecutor&) = delete;

  void drain() noexcept override;
  void stop() noexcept override;

  std::size_t threads() const noexcept override { return options_.threads; }
  std::size_t max_pending() const noexcept override { return options_.max_pending; }
  std::size_t pending() const noexcept override { return pending_.load(std::memory_order_relaxed); }
  std::uint64_t rejected() const noexcept override {
    return rejected_.load(std::memory_order_relaxed);
  }

 protected:
  void admit() override;
  void release() noexcept override { pending_.fetch_sub(1, std::memory_order_relaxed); }
  boost::asio::awaitable<void> execute(Job job) override;

 private:
  DbExecutorOptions options_;
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<bool> closed_{false};
};

}  // namespace storage
