// The SQLite executor as the service uses it: reads inline on the awaiting thread,
// writes on one writer thread committed in groups, each write isolated in its group,
// events handed on only after the commit, a bounded queue, and a drain at shutdown.
#include "storage/sqlite/sqlite_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "storage/slow_statements.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

namespace asio = boost::asio;

// Records each event it is handed and whether, at that moment, another connection
// could already see the element it is about (that is: the change had committed).
class RecordingPublisher final : public domain::BoardEventPublisher {
 public:
  explicit RecordingPublisher(std::string path) : path_(std::move(path)) {}

  void publish(const telemetry::Context&, const domain::BoardEvent& event) noexcept override {
    bool visible = false;
    const auto* element_value = event.data.if_contains("element");
    const auto* element = element_value != nullptr && element_value->is_object()
                              ? element_value->as_object().if_contains("id")
                              : nullptr;
    if (element != nullptr) {
      sqlite3* db = nullptr;
      sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
      sqlite3_stmt* statement = nullptr;
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM elements WHERE id = ?", -1, &statement, nullptr);
      sqlite3_bind_int64(statement, 1, element->to_number<std::int64_t>());
      visible = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int(statement, 0) == 1;
      sqlite3_finalize(statement);
      sqlite3_close(db);
    }
    const std::lock_guard lock(mutex_);
    published_.push_back({event.seq, visible});
  }

  struct Published {
    std::int64_t seq;
    bool visible_to_others;
  };
  std::vector<Published> published() const {
    const std::lock_guard lock(mutex_);
    return published_;
  }

 private:
  std::string path_;
  mutable std::mutex mutex_;
  std::vector<Published> published_;
};

class SqliteExecutorTest : public StorageTest {
 protected:
  void open(std::size_t max_pending = 16) {
    StorageOptions o = options();
    o.max_pending = max_pending;
    backend = open_backend(t.ctx, "sqlite://" + path, o);
    services = std::make_unique<domain::Services>(backend->repositories(), o.accounts,
                                                  backend->after_commit(publisher),
                                                  domain::SyncOptions{}, limits);
    alice = services->accounts().register_user(t.ctx, {"alice", "password1"}).id;
    board = services->boards().create(t.ctx, alice, {"Grouped", ""}).id;
  }
  ~SqliteExecutorTest() override {
    if (backend) backend->executor().stop();
    services.reset();
    backend.reset();
  }

  sqlite::SqliteExecutor& executor() {
    return dynamic_cast<sqlite::SqliteExecutor&>(backend->executor());
  }

  domain::Element create(const telemetry::Context& ctx, const std::string& text) {
    domain::ElementDraft draft;
    draft.kind = "text";
    draft.text = text;
    return services->elements().create(ctx, alice, board, draft);
  }

  // Occupies the writer until release_writer() (a write that then waits): what queues
  // meanwhile makes the next group.
  void block_writer(asio::io_context& io) {
    asio::co_spawn(
        io,
        [this]() -> asio::awaitable<void> {
          co_await backend->executor().run([this] {
            create(t.ctx, "blocker");
            if (std::this_thread::get_id() != test_thread) {
              writer_blocked.set_value();
              released.wait();
            }
          });
        },
        asio::detached);
    // The blocker's inline attempt queues it for the writer; wait until the writer runs
    // it, so that what the test queues next waits for the next group.
    io.poll();
    writer_blocked.get_future().wait();
  }
  void release_writer() { release.set_value(); }

  std::thread::id test_thread = std::this_thread::get_id();
  std::promise<void> release;
  std::promise<void> writer_blocked;
  std::shared_future<void> released = release.get_future().share();

  RecordingPublisher publisher{path};
  std::unique_ptr<Backend> backend;
  std::unique_ptr<domain::Services> services;
  domain::Id alice = 0;
  domain::Id board = 0;
};

TEST_F(SqliteExecutorTest, AReadRunsOnTheAwaitingThreadAndAWriteOnTheWriter) {
  open();
  asio::io_context io;
  std::thread::id read_on, write_on, resumed_on;
  std::string name;
  domain::Id created = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        name = co_await backend->executor().run([&] {
          read_on = std::this_thread::get_id();
          return services->boards().get(t.ctx, alice, board).name;
        });
        created = co_await backend->executor().run([&] {
          write_on = std::this_thread::get_id();
          return create(t.ctx, "hello").id;
        });
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(name, "Grouped");
  EXPECT_EQ(read_on, std::this_thread::get_id());
  EXPECT_NE(write_on, std::this_thread::get_id());
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
  EXPECT_EQ(query_text("SELECT text FROM elements WHERE id = " + std::to_string(created)), "hello");
}

TEST_F(SqliteExecutorTest, AFailedWriteIsUndoneAloneAndItsGroupCommits) {
  open();
  asio::io_context io;
  block_writer(io);

  // Three writes queue behind it; the middle one inserts, then fails.
  std::vector<std::string> outcomes(3);
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          try {
            co_await backend->executor().run([&, i] {
              create(t.ctx, "write " + std::to_string(i));
              if (i == 1) throw std::runtime_error("refused after writing");
            });
            outcomes[i] = "ok";
          } catch (const std::exception& error) {
            outcomes[i] = error.what();
          }
        },
        asio::detached);
  }
  io.poll();
  EXPECT_EQ(executor().pending(), 4u);
  const std::uint64_t groups_before = executor().groups();
  release_writer();
  io.run();

  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "refused after writing", "ok"}));
  // The blocker's group, then the three in one.
  EXPECT_EQ(executor().groups(), groups_before + 2);
  EXPECT_EQ(query_text("SELECT group_concat(text, ',') FROM (SELECT text FROM elements ORDER "
                       "BY id)"),
            "blocker,write 0,write 2");
  // Each committed write's event, in seq order, each after its commit; none for the
  // undone write, and no gap in the board's seq.
  const auto published = publisher.published();
  ASSERT_EQ(published.size(), 3u);
  for (std::size_t i = 0; i < published.size(); ++i) {
    EXPECT_TRUE(published[i].visible_to_others) << i;
    if (i > 0) {
      EXPECT_EQ(published[i].seq, published[i - 1].seq + 1);
    }
  }
}

TEST_F(SqliteExecutorTest, AFullWriteQueueRefusesWritesWithOverloadedButNotReads) {
  open(/*max_pending=*/1);
  asio::io_context io;
  block_writer(io);

  std::string refusal;
  bool read_ok = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await backend->executor().run([&] { create(t.ctx, "one too many"); });
        } catch (const Overloaded& error) {
          refusal = error.what();
        }
        read_ok = co_await backend->executor().run(
            [&] { return services->boards().get(t.ctx, alice, board).id == board; });
      },
      asio::detached);
  io.poll();
  EXPECT_EQ(refusal, "the database is busy; try again shortly");
  EXPECT_TRUE(read_ok);
  EXPECT_EQ(executor().rejected(), 1u);
  release_writer();
  io.run();
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements WHERE text = 'one too many'"), "0");
}

TEST_F(SqliteExecutorTest, DrainCommitsEveryQueuedWriteThenRefusesNewWork) {
  open();
  asio::io_context io;
  block_writer(io);
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await backend->executor().run(
              [&, i] { create(t.ctx, "queued " + std::to_string(i)); });
        },
        asio::detached);
  }
  io.poll();
  EXPECT_EQ(executor().pending(), 6u);

  std::thread drainer([&] { backend->executor().drain(); });
  release_writer();
  drainer.join();  // returns once the writer has committed everything queued
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements WHERE text LIKE 'queued %'"), "5");
  EXPECT_EQ(executor().pending(), 0u);

  std::string refusal;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await backend->executor().run(
              [&] { return services->boards().get(t.ctx, alice, board); });
        } catch (const Overloaded& error) {
          refusal = error.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(refusal, "the database is shutting down");
}

TEST_F(SqliteExecutorTest, AReadSeesTheWritesCommittedBeforeIt) {
  open();
  asio::io_context io;
  std::size_t seen = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
          co_await backend->executor().run([&, i] { create(t.ctx, "n" + std::to_string(i)); });
          seen = co_await backend->executor().run([&] {
            return services->elements().list(t.ctx, alice, board, domain::Page{}).items.size();
          });
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(seen, 3u);
}

TEST_F(SqliteExecutorTest, AStatementOverTheThresholdIsLoggedByNameAndCounted) {
  open();
  const auto previous = SlowStatements::threshold();
  SlowStatements::set_threshold(std::chrono::microseconds(1));
  const std::uint64_t before = SlowStatements::count();
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await backend->executor().run([&] {
          // Every statement takes more than a microsecond.
          return services->boards().get(t.ctx, alice, board);
        });
      },
      asio::detached);
  io.run();
  SlowStatements::set_threshold(previous);
  EXPECT_GT(SlowStatements::count(), before);
  bool logged = false;
  for (const auto& line : t.logger.lines()) {
    if (line.message != "slow statement") continue;
    logged = true;
    EXPECT_NE(line.fields.find("db.operation.name=SELECT"), std::string::npos) << line.fields;
    EXPECT_NE(line.fields.find("threshold_ms="), std::string::npos) << line.fields;
  }
  EXPECT_TRUE(logged);
}

TEST_F(SqliteExecutorTest, ConcurrentCreatesAreAllStoredWithGaplessSeqsPublishedInOrder) {
  open(/*max_pending=*/1024);
  // Two I/O threads, each with many creates in flight at once, as under load: every
  // acknowledged create is stored, the board's seq goes up by one per create with no
  // gap and no repeat, and the events are handed on after their commit, in seq order.
  constexpr int kPerThread = 150;
  asio::io_context first_io, second_io;
  std::atomic<int> acknowledged{0};
  std::mutex ids_mutex;
  std::set<domain::Id> ids;
  for (asio::io_context* io : {&first_io, &second_io}) {
    for (int i = 0; i < kPerThread; ++i) {
      asio::co_spawn(
          *io,
          [&, i]() -> asio::awaitable<void> {
            const domain::Id id = co_await backend->executor().run(
                [&, i] { return create(t.ctx, "concurrent " + std::to_string(i)).id; });
            ++acknowledged;
            const std::lock_guard lock(ids_mutex);
            ids.insert(id);
          },
          asio::detached);
    }
  }
  std::thread second([&] { second_io.run(); });
  first_io.run();
  second.join();

  ASSERT_EQ(acknowledged.load(), 2 * kPerThread);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(2 * kPerThread));
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements WHERE text LIKE 'concurrent %'"),
            std::to_string(2 * kPerThread));
  // The stored events: one per create, seqs consecutive (max - min + 1 = count).
  EXPECT_EQ(query_text("SELECT COUNT(*) = MAX(seq) - MIN(seq) + 1 AND COUNT(DISTINCT seq) = "
                       "COUNT(*) FROM board_events WHERE board_id = " +
                       std::to_string(board) + " AND type = 'element.created'"),
            "1");
  const auto published = publisher.published();
  ASSERT_EQ(published.size(), static_cast<std::size_t>(2 * kPerThread));
  for (std::size_t i = 0; i < published.size(); ++i) {
    EXPECT_TRUE(published[i].visible_to_others) << i;
    if (i > 0) {
      EXPECT_EQ(published[i].seq, published[i - 1].seq + 1) << i;
    }
  }
  // Some writes shared a commit, and the totals say so when the backend closes.
  EXPECT_LT(executor().groups(), executor().writes());
  backend->executor().stop();
  services.reset();
  backend.reset();
  bool logged = false;
  for (const auto& line : t.logger.lines()) {
    if (line.message != "write group totals") continue;
    logged = true;
    EXPECT_NE(line.fields.find(" writes=" + std::to_string(2 * kPerThread) + " "),
              std::string::npos)
        << line.fields;
  }
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace storage::test
