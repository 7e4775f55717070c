#include "telemetry/trace/span_record_pool.hpp"

#include <mutex>
#include <vector>

namespace telemetry::detail {

namespace {

constexpr std::size_t kThreadStack = 64;    // records a thread keeps for itself
constexpr std::size_t kBatch = 32;          // records moved per trip to the shared pool
constexpr std::size_t kSharedLimit = 4096;  // beyond this, returned records are freed

struct SharedPool {
  std::mutex mutex;
  std::vector<SpanRecord*> records;
};

// Never destroyed: a thread that exits late in the process still returns its records
// here, and the records stay reachable (not leaks) until the process ends.
SharedPool& shared_pool() {
  static SharedPool* pool = new SharedPool();
  return *pool;
}

struct ThreadStack {
  SpanRecord* records[kThreadStack];
  std::size_t size = 0;

  ~ThreadStack() {
    SharedPool& pool = shared_pool();
    std::lock_guard lock(pool.mutex);
    while (size > 0) {
      SpanRecord* record = records[--size];
      if (pool.records.size() < kSharedLimit) {
        pool.records.push_back(record);
      } else {
        delete record;
      }
    }
  }
};

thread_local ThreadStack tls_stack;

}  // namespace

SpanRecord* acquire_span_record() {
  ThreadStack& stack = tls_stack;
  if (stack.size == 0) {
    SharedPool& pool = shared_pool();
    std::lock_guard lock(pool.mutex);
    while (stack.size < kBatch && !pool.records.empty()) {
      stack.records[stack.size++] = pool.records.back();
      pool.records.pop_back();
    }
  }
  if (stack.size > 0) return stack.records[--stack.size];
  return new SpanRecord();
}

void release_span_record(SpanRecord* record) noexcept {
  ThreadStack& stack = tls_stack;
  if (stack.size == kThreadStack) {
    // Full: hand the older half to the shared pool (or free it) in one trip.
    SharedPool& pool = shared_pool();
    std::size_t moved = 0;
    {
      std::lock_guard lock(pool.mutex);
      try {
        for (; moved < kBatch && pool.records.size() < kSharedLimit; ++moved) {
          pool.records.push_back(stack.records[moved]);
        }
      } catch (...) {
        // No memory to grow the shared pool: the rest are freed below.
      }
    }
    for (std::size_t i = moved; i < kBatch; ++i) delete stack.records[i];
    for (std::size_t i = kBatch; i < kThreadStack; ++i)
      stack.records[i - kBatch] = stack.records[i];
    stack.size = kThreadStack - kBatch;
  }
  stack.records[stack.size++] = record;
}

}  // namespace telemetry::detail
