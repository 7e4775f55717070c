#pragma once
// The executor of the SQLite backend (storage::Executor):
//   - A job runs first inline, on the thread that awaits it (an I/O thread), in a read
//     scope (scope.hpp): the thread's own read-only connection, one read transaction
//     for the whole job. In WAL mode a reader never waits for the writer, and a point
//     read takes microseconds: less than handing the job to another thread and back.
//   - If the job writes, that attempt stops at its first write (WriteRequired, before
//     anything is written) and the job is queued for the writer thread, which owns the
//     write connection and commits the queued jobs in groups: one transaction (one
//     WAL sync) for every job waiting, each job inside its own SAVEPOINT so that one
//     that fails is undone alone. A job's awaiter resumes, and the events it
//     published are handed on (commit_publisher.hpp), only after its group committed.
//   - The writer's queue is bounded: when full, run() throws Overloaded (503), counted.
//     drain() runs every queued write; stop() drops what is still queued.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/executor.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/scope.hpp"

namespace storage::sqlite {

struct WriterOptions {
  std::size_t max_queued = 1024;  // writes queued or in the running group
  std::size_t max_group = 64;     // writes committed together at most
};

class SqliteExecutor final : public Executor {
 public:
  SqliteExecutor(Database& db, WriterOptions options);
  ~SqliteExecutor() override;  // stop()
  SqliteExecutor(const SqliteExecutor&) = delete;
  SqliteExecutor& operator=(const SqliteExecutor&) = delete;

  void drain() noexcept override;
  void stop() noexcept override;

  std::size_t threads() const noexcept override { return 1; }  // the writer
  std::size_t max_pending() const noexcept override { return options_.max_queued; }
  std::size_t pending() const noexcept override;  // writes queued or being written
  std::uint64_t rejected() const noexcept override;
  // Groups committed and writes in them since start (groups < writes: grouping works).
  std::uint64_t groups() const noexcept;
  std::uint64_t writes() const noexcept;
  std::uint64_t full_groups() const noexcept;  // groups that reached max_group

  // What resumes a write's awaiter; type-erased so the queue can hold any handler.
  struct Completion {
    virtual ~Completion() = default;
    virtual void complete() = 0;  // posts the handler to its own executor
  };
  // One queued write; lives in its awaiter's coroutine frame.
  struct Write {
    Job job;
    std::exception_ptr error;
    std::vector<HeldEvent> events;
    std::unique_ptr<Completion> completion;
  };

 protected:
  void admit() override;
  void release() noexcept override {}
  boost::asio::awaitable<void> execute(Job job) override;

 private:
  boost::asio::awaitable<void> write(Job job);
  void reserve();  // a place in the queue, or Overloaded
  void enqueue(Write* write);
  void run_writer() noexcept;
  void run_group(std::vector<Write*>& group) noexcept;

  Database& db_;
  WriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the writer: work queued, or stop
  std::condition_variable idle_;  // drain(): queue empty and no group running
  std::deque<Write*> queue_;
  std::size_t reserved_ = 0;         // places taken: queued, about to be, or in the running group
  std::atomic<bool> closed_{false};  // read without the lock by every request
  bool stopping_ = false;
  std::uint64_t rejected_ = 0;
  std::uint64_t groups_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t full_groups_ = 0;
  std::thread writer_;
};

}  // namespace storage::sqlite
