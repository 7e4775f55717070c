// The writer side: bounded queue, drop counting and its report, outputs, shutdown.
// Full-queue tests hold the writer inside a gated sink, so they are deterministic.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "log_test_support.hpp"

namespace telemetry::logs {
namespace {

using testing::CapturingSink;
using testing::GatedSink;
using testing::soon;
using testing::test_options;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("logs_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(AsyncLogger, FullQueueDropsNewestCountsAndReportsOncePressurePasses) {
  auto sink = std::make_shared<GatedSink>();
  LoggerOptions options = test_options(sink);
  options.queue_capacity = 4;
  auto logger = make_logger(std::move(options));

  logger->info("t", "line 0");
  sink->wait_until_writer_blocked();  // the writer holds line 0: 1 of 4 slots used
  for (int i = 1; i <= 8; ++i) logger->info("t", "line " + std::to_string(i));

  EXPECT_EQ(logger->dropped_count(), 5u);  // lines 1-3 fit, 4-8 are dropped
  EXPECT_EQ(sink->text(), "");

  sink->open();
  ASSERT_TRUE(logger->flush(soon()));
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 5u) << sink->text();
  for (int i = 0; i <= 3; ++i) {
    EXPECT_EQ(boost::json::parse(lines[i]).at("message").as_string(), "line " + std::to_string(i));
  }
  EXPECT_EQ(lines[4],
            R"({"timestamp":"2026-11-24T23:20:15.123456Z","level":"warn","target":"logs",)"
            R"("message":"log lines dropped","dropped":5})");

  // Reported once: more traffic without pressure adds no second report.
  logger->info("t", "after");
  ASSERT_TRUE(logger->flush(soon()));
  EXPECT_EQ(sink->lines().size(), 6u);
  EXPECT_EQ(logger->dropped_count(), 5u);
}

TEST(AsyncLogger, WriteNeverWaitsForABlockedWriter) {
  // The gate is never opened before the writes: if write() waited for the sink, this
  // test would hang instead of finishing.
  auto sink = std::make_shared<GatedSink>();
  LoggerOptions options = test_options(sink);
  options.queue_capacity = 2;
  auto logger = make_logger(std::move(options));
  logger->info("t", "first");
  sink->wait_until_writer_blocked();
  for (int i = 0; i < 1000; ++i) logger->info("t", "more");
  EXPECT_EQ(logger->dropped_count(), 999u);
  sink->open();
  ASSERT_TRUE(logger->shutdown(soon()));
  EXPECT_NE(sink->text().find(R"("dropped":999})"), std::string::npos);
}

TEST(AsyncLogger, ShutdownFlushesEverythingAcceptedThenDropsLaterLines) {
  auto sink = std::make_shared<CapturingSink>();
  auto logger = make_logger(test_options(sink));
  for (int i = 0; i < 500; ++i) logger->info("t", "m", {{"i", i}});
  ASSERT_TRUE(logger->shutdown(soon()));
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 500u);
  EXPECT_EQ(boost::json::parse(lines[499]).at("i").as_int64(), 499);

  logger->info("t", "too late");
  EXPECT_EQ(logger->dropped_count(), 1u);
  EXPECT_EQ(sink->lines().size(), 500u);
  EXPECT_TRUE(logger->shutdown(soon()));  // a second call is harmless
}

TEST(AsyncLogger, DestructorFlushes) {
  auto sink = std::make_shared<CapturingSink>();
  {
    auto logger = make_logger(test_options(sink));
    logger->warn("t", "last words");
  }
  ASSERT_EQ(sink->lines().size(), 1u);
  EXPECT_NE(sink->text().find("last words"), std::string::npos);
}

TEST(AsyncLogger, ShutdownGivesUpAtTheDeadlineWhenOutputIsStuck) {
  auto sink = std::make_shared<GatedSink>();
  auto logger = make_logger(test_options(sink));
  logger->info("t", "stuck");
  sink->wait_until_writer_blocked();
  EXPECT_FALSE(logger->flush(std::chrono::steady_clock::now()));
  EXPECT_FALSE(logger->shutdown(std::chrono::steady_clock::now()));
  sink->open();  // lets the detached writer finish
}

TEST(AsyncLogger, FilterAppliesThroughHelpers) {
  auto sink = std::make_shared<CapturingSink>();
  LoggerOptions options = test_options(sink);
  options.filter = *LevelFilter::parse("warn,storage=debug");
  auto logger = make_logger(std::move(options));
  logger->info("http", "hidden");
  logger->debug("storage.sqlite", "shown 1");
  logger->error("http", "shown 2");
  ASSERT_TRUE(logger->flush(soon()));
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("shown 1"), std::string::npos);
  EXPECT_NE(lines[1].find("shown 2"), std::string::npos);
}

TEST(AsyncLogger, ConcurrentWritersProduceWholeLines) {
  auto sink = std::make_shared<CapturingSink>();
  LoggerOptions options = test_options(sink);
  options.queue_capacity = 100000;
  auto logger = make_logger(std::move(options));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < 1000; ++i) {
        logger->info("t", std::string(50, static_cast<char>('a' + t)), {{"thread", t}, {"i", i}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(logger->flush(soon()));
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 4000u);
  for (const auto& line : lines) ASSERT_NO_THROW(boost::json::parse(line)) << line;
  EXPECT_EQ(logger->dropped_count(), 0u);
}

TEST(AsyncLogger, WritesToTheStdoutDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  LoggerOptions options = test_options(nullptr);
  options.stdout_fd = fds[1];
  auto logger = make_logger(std::move(options));
  logger->info("http", "to stdout");
  ASSERT_TRUE(logger->shutdown(soon()));
  ::close(fds[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, n);
  ::close(fds[0]);
  EXPECT_EQ(got, R"({"timestamp":"2026-11-24T23:20:15.123456Z","level":"info","target":"http",)"
                 R"("message":"to stdout"})"
                 "\n");
}

TEST(AsyncLogger, FileGetsTheSameLinesAppendedAndIsCreatedIfMissing) {
  const auto dir = fresh_dir("file");
  const auto existing = dir / "existing.log";
  std::ofstream(existing) << "earlier line\n";
  const auto created = dir / "created.log";

  for (const auto& path : {existing, created}) {
    auto sink = std::make_shared<CapturingSink>();
    LoggerOptions options = test_options(sink);
    options.file_path = path.string();
    auto logger = make_logger(std::move(options));
    logger->info("http", "one", {{"n", 1}});
    logger->info("http", "two", {{"n", 2}});
    ASSERT_TRUE(logger->shutdown(soon()));
    const std::string before = path == existing ? "earlier line\n" : "";
    EXPECT_EQ(read_file(path), before + sink->text());
    EXPECT_EQ(sink->lines().size(), 2u);
  }
}

TEST(AsyncLogger, FileHasNoColourCodes) {
  const auto path = fresh_dir("colour") / "pretty.log";
  auto sink = std::make_shared<CapturingSink>();
  LoggerOptions options = test_options(sink);
  options.format = Format::pretty;
  options.color = true;
  options.file_path = path.string();
  auto logger = make_logger(std::move(options));
  logger->warn("http", "slow \x1b[2J", {{"ms", 900}});
  ASSERT_TRUE(logger->shutdown(soon()));
  EXPECT_NE(sink->text().find('\x1b'), std::string::npos);  // the terminal gets colour
  EXPECT_EQ(read_file(path), "23:20:15.123456 WARN  http  slow \\x1b[2J ms=900\n");
}

TEST(AsyncLogger, UnopenableFileIsAStartupErrorNamingIt) {
  LoggerOptions options = test_options(nullptr);
  options.file_path = "/nonexistent-dir-for-logs/app.log";
  auto result = try_make_logger(std::move(options));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().find("LOG_FILE"), std::string::npos) << result.error();
  EXPECT_NE(result.error().find("/nonexistent-dir-for-logs/app.log"), std::string::npos);
  LoggerOptions again = test_options(nullptr);
  again.file_path = "/nonexistent-dir-for-logs/app.log";
  EXPECT_THROW(make_logger(std::move(again)), std::runtime_error);
}

}  // namespace
}  // namespace telemetry::logs
