#include "storage/slow_statements.hpp"

#include "storage/traced_statement.hpp"

namespace storage {

namespace {

std::atomic<std::int64_t> threshold_us{50'000};
std::atomic<std::uint64_t> slow_count{0};

}  // namespace

void SlowStatements::set_threshold(std::chrono::microseconds threshold) noexcept {
  threshold_us.store(threshold.count(), std::memory_order_relaxed);
}

std::chrono::microseconds SlowStatements::threshold() noexcept {
  return std::chrono::microseconds(threshold_us.load(std::memory_order_relaxed));
}

std::uint64_t SlowStatements::count() noexcept {
  return slow_count.load(std::memory_order_relaxed);
}

void SlowStatements::check(const telemetry::Context& ctx, const Statement& statement,
                           std::chrono::steady_clock::duration elapsed) noexcept {
  const std::int64_t limit = threshold_us.load(std::memory_order_relaxed);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (limit <= 0 || took <= limit) return;
  const std::uint64_t total = slow_count.fetch_add(1, std::memory_order_relaxed) + 1;
  try {
    ctx.warn("storage", "slow statement",
             {{"db.operation.name", statement.operation},
              {"db.collection.name", statement.collection},
              {"duration_ms", static_cast<double>(took) / 1000.0},
              {"threshold_ms", static_cast<double>(limit) / 1000.0},
              {"slow_statements", static_cast<std::int64_t>(total)}});
  } catch (...) {
    // Logging must not turn a slow statement into a failed one; it is still counted.
  }
}

}  // namespace storage
