#pragma once
// The guard of statements run on a request's own thread: one that takes longer than a
// threshold is logged (warn, with its operation and table, never its text's values)
// and counted. A read runs inline on an I/O thread (sqlite/sqlite_executor.hpp), so a
// slow one delays the other connections of that thread: this makes it seen.
//
// Process-wide: the threshold comes from configuration once at start-up
// (BOARD_DB_SLOW_STATEMENT_MS), and the count is the process's.
//
//   { const SlowStatementTimer timer(ctx, statement); run(); }  // checks when it ends

#include <atomic>
#include <chrono>
#include <cstdint>

#include "telemetry/context.hpp"

namespace storage {

struct Statement;  // traced_statement.hpp

class SlowStatements {
 public:
  // 0 turns the guard off. Default: 50 ms.
  static void set_threshold(std::chrono::microseconds threshold) noexcept;
  static std::chrono::microseconds threshold() noexcept;
  // Statements over the threshold since the process started.
  static std::uint64_t count() noexcept;
  // Logs and counts `statement` if `elapsed` is over the threshold.
  static void check(const telemetry::Context& ctx, const Statement& statement,
                    std::chrono::steady_clock::duration elapsed) noexcept;
};

class SlowStatementTimer {
 public:
  SlowStatementTimer(const telemetry::Context& ctx, const Statement& statement) noexcept
      : ctx_(ctx), statement_(statement), started_(std::chrono::steady_clock::now()) {}
  ~SlowStatementTimer() {
    SlowStatements::check(ctx_, statement_, std::chrono::steady_clock::now() - started_);
  }
  SlowStatementTimer(const SlowStatementTimer&) = delete;
  SlowStatementTimer& operator=(const SlowStatementTimer&) = delete;

 private:
  const telemetry::Context& ctx_;
  const Statement& statement_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace storage
