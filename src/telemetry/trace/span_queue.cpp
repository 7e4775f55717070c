#include "telemetry/trace/span_queue.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace telemetry::detail {

namespace {

// Spreads threads over lanes: each thread gets the next number the first time it ends
// a span, and keeps it.
std::size_t thread_number() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

std::size_t lane_count(std::size_t capacity) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  // Request threads usually outnumber cores (I/O plus database threads): two lanes per
  // core, so that few threads share one.
  return std::clamp<std::size_t>(2 * cores, 1, std::min<std::size_t>(16, capacity));
}

}  // namespace

SpanQueue::SpanQueue(std::size_t capacity) : lanes_(lane_count(capacity)) {
  const std::size_t lanes = lanes_.size();
  for (std::size_t i = 0; i < lanes; ++i) {
    Lane& lane = lanes_[i];
    lane.capacity = capacity / lanes + (i < capacity % lanes ? 1 : 0);
    lane.entries.resize(lane.capacity);
  }
}

bool SpanQueue::push(FinishedSpan span, std::string* staged) noexcept {
  // The span an entry held before (exported long ago) is let go after the lock is
  // released: it returns to this thread's pool, so records stay with the threads that
  // end spans, as the spans' storage always did, and the export thread never touches
  // their counts.
  FinishedSpan exported;
  const std::size_t home = thread_number() % lanes_.size();
  if (try_push(lanes_[home], span, staged, exported)) return true;
  // The home lane is full: spill into another lane with room. A lane that looks full is
  // skipped without taking its lock, so a full queue costs no lock past the home
  // lane's; one with room is waited for, not skipped when its lock is busy (the other
  // threads spill into the same lanes at the same moments, and a busy lock is not a
  // full lane: skipping it dropped spans the queue had room for).
  for (std::size_t step = 1; step < lanes_.size(); ++step) {
    Lane& lane = lanes_[(home + step) % lanes_.size()];
    if (lane.used.load(std::memory_order_relaxed) >= lane.capacity) continue;
    if (try_push(lane, span, staged, exported)) return true;
  }
  count_dropped();
  return false;
}

bool SpanQueue::try_push(Lane& lane, FinishedSpan& span, std::string* staged,
                         FinishedSpan& exported) noexcept {
  std::lock_guard lock(lane.mutex);
  if (lane.closed || lane.queued + lane.in_flight >= lane.capacity) return false;
  QueuedSpan& entry = lane.entries[(lane.head + lane.queued) % lane.capacity];
  exported = std::move(entry.span);
  if (staged != nullptr) {
    // Only the bytes move: the span's own storage stays with the tracer's record,
    // warm in this core's cache for its next span.
    entry.staged.swap(*staged);
  } else {
    entry.staged.clear();
    entry.span = std::move(span);
  }
  ++lane.queued;
  ++lane.accepted;
  lane.used.store(lane.queued + lane.in_flight, std::memory_order_relaxed);
  return true;
}

void SpanQueue::count_dropped() noexcept {
  // No lock: a span refused because the queue is full must not wait for the lanes.
  lanes_[thread_number() % lanes_.size()].dropped.fetch_add(1, std::memory_order_relaxed);
}

SpanQueue::Counts SpanQueue::counts() const {
  Counts counts;
  for (const Lane& lane : lanes_) {
    std::lock_guard lock(lane.mutex);
    counts.accepted += lane.accepted;
    counts.dropped += lane.dropped.load(std::memory_order_relaxed);
    counts.held += lane.queued + lane.in_flight;
  }
  return counts;
}

std::vector<std::size_t> SpanQueue::snapshot() const {
  std::vector<std::size_t> queued(lanes_.size());
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    std::lock_guard lock(lanes_[i].mutex);
    queued[i] = lanes_[i].queued;
  }
  return queued;
}

std::size_t SpanQueue::take(std::size_t limit, std::vector<std::size_t>* quota) {
  runs_.clear();
  taken_.clear();
  taken_.reserve(limit);  // once: the batch size does not change
  std::size_t total = 0;
  const std::size_t start = next_lane_;
  next_lane_ = (next_lane_ + 1) % lanes_.size();
  for (std::size_t step = 0; step < lanes_.size() && total < limit; ++step) {
    const std::size_t index = (start + step) % lanes_.size();
    Lane& lane = lanes_[index];
    std::size_t want = limit - total;
    if (quota != nullptr) want = std::min(want, (*quota)[index]);
    TakenRun run{index, 0, 0};
    {
      // Only the indices change under the lock: the entries stay where they are.
      std::lock_guard lock(lane.mutex);
      run.count = std::min(want, lane.queued);
      if (run.count == 0) continue;
      run.first = lane.head;
      lane.head = (lane.head + run.count) % lane.capacity;
      lane.queued -= run.count;
      lane.in_flight += run.count;
    }
    if (quota != nullptr) (*quota)[index] -= run.count;
    for (std::size_t i = 0; i < run.count; ++i) {
      taken_.push_back(&lane.entries[(run.first + i) % lane.capacity]);
    }
    runs_.push_back(run);
    total += run.count;
  }
  return total;
}

SpanBatch SpanQueue::taken() const noexcept {
  return SpanBatch(std::span<const QueuedSpan* const>(taken_.data(), taken_.size()));
}

void SpanQueue::release_taken() noexcept {
  // The spans stay in their entries until a producer reuses them (see push).
  for (const TakenRun& run : runs_) {
    Lane& lane = lanes_[run.lane];
    std::lock_guard lock(lane.mutex);
    lane.in_flight -= run.count;
    lane.used.store(lane.queued + lane.in_flight, std::memory_order_relaxed);
  }
  runs_.clear();
  taken_.clear();
}

void SpanQueue::close() {
  for (Lane& lane : lanes_) {
    std::lock_guard lock(lane.mutex);
    lane.closed = true;
  }
}

}  // namespace telemetry::detail
