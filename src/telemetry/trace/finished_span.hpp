#pragma once
// A finished span, shared read-only by every processor that wants it. The tracer hands
// each processor a handle on the same span (a reference count, the last processor
// getting the tracer's own); a processor that keeps the span keeps its handle, never a
// copy of the span, so a second processor costs no second copy on the thread that
// ended the span.
//
// The span lives in one of the tracer's pooled records. It goes back to the pool when
// the last handle is dropped, on whatever thread that is: a processor that keeps spans
// for long should take what it needs (off the request thread) and drop the handle.

#include <atomic>
#include <cstdint>

#include "telemetry/trace/span_data.hpp"
#include "telemetry/trace/span_record.hpp"
#include "telemetry/trace/span_record_pool.hpp"

namespace telemetry {

class FinishedSpan {
 public:
  FinishedSpan() noexcept = default;
  FinishedSpan(const FinishedSpan& other) noexcept : record_(other.record_) {
    if (record_ != nullptr) record_->holders.fetch_add(1, std::memory_order_relaxed);
  }
  FinishedSpan(FinishedSpan&& other) noexcept : record_(other.record_) { other.record_ = nullptr; }
  FinishedSpan& operator=(FinishedSpan other) noexcept {
    std::swap(record_, other.record_);
    return *this;
  }
  ~FinishedSpan() { reset(); }

  // A finished span holding `data`, outside any tracer (tests, benchmarks, tools).
  // Throws std::bad_alloc when no record can be had.
  static FinishedSpan from(SpanData data);

  explicit operator bool() const noexcept { return record_ != nullptr; }
  const SpanData& operator*() const noexcept { return record_->data; }
  const SpanData* operator->() const noexcept { return &record_->data; }

  // Drops this handle; the last one gives the record back to the pool.
  void reset() noexcept {
    detail::SpanRecord* record = record_;
    if (record == nullptr) return;
    record_ = nullptr;
    // The only holder (the usual case: no processor kept the span) needs no atomic
    // read-modify-write: nobody else can change the count.
    if (record->holders.load(std::memory_order_acquire) == 1 ||
        record->holders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      detail::release_span_record(record);
    }
  }

  // How many handles share the span (for tests).
  std::uint32_t holders() const noexcept {
    return record_ == nullptr ? 0 : record_->holders.load(std::memory_order_acquire);
  }

 private:
  friend class Tracer;
  // Takes over `record`, whose span has ended: from now on it is read-only.
  explicit FinishedSpan(detail::SpanRecord* record) noexcept : record_(record) {
    record_->holders.store(1, std::memory_order_relaxed);
  }

  detail::SpanRecord* record_ = nullptr;
};

}  // namespace telemetry
