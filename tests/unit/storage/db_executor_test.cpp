#include "storage/db_executor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <stdexcept>
#include <thread>

namespace storage {
namespace {

namespace asio = boost::asio;

TEST(DbExecutor, RunsTheJobOnThePoolAndResumesOnTheCallersExecutor) {
  DbExecutor db({2, 16});
  asio::io_context io;
  std::thread::id job_thread, resumed_thread;
  int result = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        result = co_await db.run([&] {
          job_thread = std::this_thread::get_id();
          return 42;
        });
        resumed_thread = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(result, 42);
  EXPECT_NE(job_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_thread, std::this_thread::get_id());
  EXPECT_EQ(db.pending(), 0u);
}

TEST(DbExecutor, ExceptionsReachTheAwaiter) {
  DbExecutor db({1, 16});
  asio::io_context io;
  std::string caught;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await db.run([]() -> void { throw std::runtime_error("disk on fire"); });
        } catch (const std::runtime_error& error) {
          caught = error.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(caught, "disk on fire");
}

TEST(DbExecutor, FullQueueRejectsAtOnceWithOverloadedAndCountsIt) {
  DbExecutor db({1, 2});
  asio::io_context io;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  int finished = 0;
  for (int i = 0; i < 2; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          // By reference: GCC 12 releases copies captured in a temporary lambda inside
          // a co_await expression twice (see DbExecutor::run).
          co_await db.run([&released] { released.wait(); });
          ++finished;
        },
        asio::detached);
  }
  io.poll();  // both jobs admitted: one running, one queued
  EXPECT_EQ(db.pending(), 2u);

  std::string third;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await db.run([] { return 0; });
          third = "ran";
        } catch (const Overloaded&) {
          third = "overloaded";
        }
      },
      asio::detached);
  io.poll();
  EXPECT_EQ(third, "overloaded");
  EXPECT_EQ(db.rejected(), 1u);

  release.set_value();
  io.run();
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(db.pending(), 0u);
  EXPECT_EQ(db.rejected(), 1u);
}

TEST(DbExecutor, MoveOnlyResultsArePassedThrough) {
  DbExecutor db;
  EXPECT_EQ(db.threads(), 4u);
  EXPECT_EQ(db.max_pending(), 1024u);
  asio::io_context io;
  std::unique_ptr<int> out;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        out = co_await db.run([] { return std::make_unique<int>(7); });
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, 7);
}

}  // namespace
}  // namespace storage

namespace storage {
namespace {

TEST(DbExecutor, DrainRunsEveryAdmittedJob) {
  DbExecutor db({1, 64});
  boost::asio::io_context io;
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { co_await db.run([&] { ++ran; }); },
        boost::asio::detached);
  }
  io.poll();  // all 20 admitted
  db.drain();
  EXPECT_EQ(ran.load(), 20);
  io.run();
  EXPECT_EQ(db.pending(), 0u);

  std::string late;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        try {
          co_await db.run([] {});
          late = "ran";
        } catch (const Overloaded&) {
          late = "overloaded";
        }
      },
      boost::asio::detached);
  io.restart();
  io.run();
  EXPECT_EQ(late, "overloaded");  // closed: refused, not left hanging
}

}  // namespace
}  // namespace storage
