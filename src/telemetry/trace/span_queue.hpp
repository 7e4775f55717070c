#pragma once
// The batch processor's bounded queue of spans waiting for export (internal).
//
// Threads that end spans at the same time would all fight over one lock and one set of
// cache lines, so the queue is split into lanes, one per thread as far as they go; a
// thread spills into the others only when its own is full, and a span is refused only
// when the whole queue is (a lane that looks full is skipped without its lock, one
// with room is waited for: a span is never refused because a lane was busy). Each
// lane is a ring of preallocated entries. The export thread takes runs of entries and
// reads them where they lie: until it gives them back, no producer writes them, and
// they still count against the bound. An entry keeps its exported span until a
// producer reuses it, so span records go back to the pool on the threads that end
// spans, never on the export thread.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "telemetry/trace/span_batch.hpp"

namespace telemetry::detail {

class SpanQueue {
 public:
  explicit SpanQueue(std::size_t capacity);
  SpanQueue(const SpanQueue&) = delete;
  SpanQueue& operator=(const SpanQueue&) = delete;

  // --- Any thread ---
  // Queues `span` (the handle, not a copy), or, when `staged` is given, only those bytes
  // (swapped with the entry's old ones, so neither side allocates). The span the entry
  // held before, exported by now, is let go here, on the producer's thread. False when
  // the queue is full or closed: the span is then counted as dropped.
  bool push(FinishedSpan span, std::string* staged) noexcept;
  // Counts a span refused before it reached the queue.
  void count_dropped() noexcept;

  struct Counts {
    std::uint64_t accepted = 0;  // ever queued
    std::uint64_t dropped = 0;   // ever refused
    std::size_t held = 0;        // queued now, plus taken and not yet given back
  };
  Counts counts() const;

  // --- The export thread only ---
  // How many spans each lane holds now: a flush or the timer exports exactly these,
  // not the ones that keep arriving while it runs.
  std::vector<std::size_t> snapshot() const;
  // Takes up to `limit` of the oldest queued spans (from each lane in the order they
  // ended), at most quota[lane] from a lane when a quota is given, and counts them off
  // it; returns how many. The lanes are visited from a rotating start so that none
  // waits behind the others.
  std::size_t take(std::size_t limit, std::vector<std::size_t>* quota);
  // The spans last taken, in the order they were taken.
  SpanBatch taken() const noexcept;
  // The spans last taken are done with: their entries may be written again. (A span an
  // entry kept is let go when a producer reuses the entry, or with the queue.)
  void release_taken() noexcept;
  // Refuses every span from now on (shutdown): a span is then either already queued,
  // and will be taken, or counted as dropped.
  void close();

 private:
  struct alignas(64) Lane {  // its own cache lines: no false sharing between lanes
    mutable std::mutex mutex;
    // [head, head + queued) wait for export (indices modulo capacity); the in_flight
    // entries just before head were taken by the export thread.
    std::vector<QueuedSpan> entries;
    std::size_t head = 0;
    std::size_t queued = 0;
    std::size_t in_flight = 0;
    std::size_t capacity = 0;  // queued + in_flight never exceed it
    // queued + in_flight, written under the lock and read without it: a thread whose
    // own lane is full skips the lanes that are full too without taking their locks.
    std::atomic<std::size_t> used{0};
    std::uint64_t accepted = 0;
    std::atomic<std::uint64_t> dropped{0};  // counted without the lock
    bool closed = false;
  };
  // Entries the export thread took from one lane: `count` from `first` on.
  struct TakenRun {
    std::size_t lane;
    std::size_t first;
    std::size_t count;
  };

  // Queues into `lane` if it has room; `exported` receives the span the entry held
  // before.
  bool try_push(Lane& lane, FinishedSpan& span, std::string* staged,
                FinishedSpan& exported) noexcept;

  std::vector<Lane> lanes_;
  // The export thread's: the batch being exported, and where each run of it came from.
  std::vector<const QueuedSpan*> taken_;
  std::vector<TakenRun> runs_;
  std::size_t next_lane_ = 0;
};

}  // namespace telemetry::detail
