#include "storage/sqlite/sqlite_executor.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <pthread.h>

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "storage/sqlite/prepared_statements.hpp"
#include "storage/sqlite/statement_span.hpp"

namespace storage::sqlite {

namespace {

namespace asio = boost::asio;

// The group's statements, kept prepared on the writer's connection. They are not
// statement spans: a group belongs to many requests' traces at once.
constexpr char kBeginGroup[] = "BEGIN IMMEDIATE";
constexpr char kCommitGroup[] = "COMMIT";
constexpr char kRollbackGroup[] = "ROLLBACK";
constexpr char kSavepoint[] = "SAVEPOINT job";
constexpr char kRelease[] = "RELEASE job";
constexpr char kRollbackTo[] = "ROLLBACK TO job";

bool in_transaction(Connection& connection) noexcept {
  return sqlite_api::sqlite3_get_autocommit(connection.statements->connection()) == 0;
}

template <class Handler>
struct CompletionOf final : SqliteExecutor::Completion {
  explicit CompletionOf(Handler h) : handler(std::move(h)) {}
  void complete() override {
    auto executor = asio::get_associated_executor(handler);
    asio::post(executor, std::move(handler));
  }
  Handler handler;
};

// Fails `write` with the exception being handled (call inside a catch block).
void fail(SqliteExecutor::Write& write, std::exception_ptr error) {
  write.error = std::move(error);
  write.events.clear();
}

}  // namespace

SqliteExecutor::SqliteExecutor(Database& db, WriterOptions options)
    : db_(db),
      options_{std::max<std::size_t>(options.max_queued, 1),
               std::max<std::size_t>(options.max_group, 1)},
      writer_([this] { run_writer(); }) {}

SqliteExecutor::~SqliteExecutor() {
  stop();
}

std::size_t SqliteExecutor::pending() const noexcept {
  const std::lock_guard lock(mutex_);
  return reserved_;
}

std::uint64_t SqliteExecutor::rejected() const noexcept {
  const std::lock_guard lock(mutex_);
  return rejected_;
}

std::uint64_t SqliteExecutor::groups() const noexcept {
  const std::lock_guard lock(mutex_);
  return groups_;
}

std::uint64_t SqliteExecutor::writes() const noexcept {
  const std::lock_guard lock(mutex_);
  return writes_;
}

std::uint64_t SqliteExecutor::full_groups() const noexcept {
  const std::lock_guard lock(mutex_);
  return full_groups_;
}

void SqliteExecutor::admit() {
  if (!closed_.load(std::memory_order_relaxed)) return;
  const std::lock_guard lock(mutex_);
  ++rejected_;
  throw Overloaded("the database is shutting down");
}

void SqliteExecutor::reserve() {
  const std::lock_guard lock(mutex_);
  if (closed_.load()) {
    ++rejected_;
    throw Overloaded("the database is shutting down");
  }
  if (reserved_ >= options_.max_queued) {
    ++rejected_;
    throw Overloaded("the database is busy; try again shortly");
  }
  ++reserved_;
}

void SqliteExecutor::enqueue(Write* write) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(write);
  }
  wake_.notify_one();
}

asio::awaitable<void> SqliteExecutor::execute(Job job) {
  bool needs_writer = false;
  {
    const ReadScope scope(db_);
    try {
      job();
    } catch (const WriteRequired&) {
      needs_writer = true;  // nothing was written: run it again on the writer
    }
  }  // the read transaction ends here, before this coroutine may move threads
  if (needs_writer) co_await write(job);
}

asio::awaitable<void> SqliteExecutor::write(Job job) {
  reserve();  // throws Overloaded: nothing queued then
  Write queued{job, nullptr, {}, nullptr};
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [this, &queued](auto handler) {
        queued.completion = std::make_unique<CompletionOf<decltype(handler)>>(std::move(handler));
        enqueue(&queued);
      },
      asio::use_awaitable);
  if (queued.error) std::rethrow_exception(queued.error);
}

void SqliteExecutor::run_writer() noexcept {
  // Named, so that per-thread CPU (top -H, /proc/PID/task/*/comm) tells it apart.
  pthread_setname_np(pthread_self(), "db-writer");
  std::vector<Write*> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      // Everything waiting, up to the cap: what queued while the last group committed.
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    run_group(group);
    {
      const std::lock_guard lock(mutex_);
      reserved_ -= group.size();
      ++groups_;
      writes_ += group.size();
      if (group.size() >= options_.max_group) ++full_groups_;
    }
    idle_.notify_all();
    // Resumed last: each awaiter may be gone (its frame with it) once resumed.
    for (Write* write : group) {
      std::unique_ptr<Completion> completion = std::move(write->completion);
      completion->complete();
    }
    group.clear();
  }
}

void SqliteExecutor::run_group(std::vector<Write*>& group) noexcept {
  WriteScope scope(db_);
  Connection& connection = db_.writer();
  // The writes of this group so far that are in the open transaction.
  std::vector<Write*> in_transaction_now;
  std::exception_ptr begin_failure;
  const auto begin = [&]() -> bool {
    try {
      run_statement(*connection.statements, kBeginGroup);
      return true;
    } catch (...) {
      begin_failure = std::current_exception();
      return false;
    }
  };
  // Fails every write of the transaction that SQLite (or COMMIT) has undone.
  const auto undone = [&](const std::exception_ptr& error) {
    for (Write* write : in_transaction_now) fail(*write, error);
    in_transaction_now.clear();
  };

  bool open = false;
  for (Write* write : group) {
    if (!open) open = begin();
    if (!open) {
      fail(*write, begin_failure);
      continue;
    }
    try {
      run_statement(*connection.statements, kSavepoint);
    } catch (...) {
      fail(*write, std::current_exception());
      continue;
    }
    scope.hold_events_in(&write->events);
    try {
      write->job();
      run_statement(*connection.statements, kRelease);
      in_transaction_now.push_back(write);
    } catch (...) {
      fail(*write, std::current_exception());
      try {
        run_statement(*connection.statements, kRollbackTo);
        run_statement(*connection.statements, kRelease);
      } catch (...) {
        // Checked below: if the transaction is gone, so are the earlier writes.
      }
    }
    scope.hold_events_in(nullptr);
    // Some failures (SQLITE_FULL, IOERR, NOMEM, a busy deadlock) make SQLite roll back
    // the whole transaction: the writes before this one are undone too.
    if (!in_transaction(connection)) {
      undone(std::make_exception_ptr(DatabaseError(
          "SQLITE_ABORT", -1, "the write was rolled back with its group after a failure")));
      open = false;
    }
  }
  if (open) {
    try {
      run_statement(*connection.statements, kCommitGroup);
    } catch (...) {
      undone(std::current_exception());
      try {
        if (in_transaction(connection)) run_statement(*connection.statements, kRollbackGroup);
      } catch (...) {
        // Nothing more to undo with: SQLite rolls back at the next BEGIN.
      }
    }
  }
  // Committed: now the world may hear of it, in commit order.
  for (Write* write : group) {
    for (const HeldEvent& held : write->events) held.target->publish(*held.ctx, held.event);
    write->events.clear();
  }
}

void SqliteExecutor::drain() noexcept {
  std::unique_lock lock(mutex_);
  closed_.store(true);
  idle_.wait(lock, [this] { return reserved_ == 0 || stopping_; });
}

void SqliteExecutor::stop() noexcept {
  std::deque<Write*> dropped;
  {
    const std::lock_guard lock(mutex_);
    closed_.store(true);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  idle_.notify_all();
  if (writer_.joinable()) writer_.join();
  // Their awaiters are never resumed; destroying a handler releases its coroutine.
  for (Write* write : dropped) {
    std::unique_ptr<Completion> completion = std::move(write->completion);
    completion.reset();
  }
}

}  // namespace storage::sqlite
