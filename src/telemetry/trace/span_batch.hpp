#pragma once
// A read-only view of the spans of one export: either contiguous spans (a vector, an
// array) or pointers to the batch processor's queue entries, which stay where they
// are. A queue entry holds the shared finished span, or only the bytes the exporter
// staged for it on the ending thread (SpanExporter::stage); tests and encoders can
// still pass a plain vector of spans.

#include <concepts>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <span>
#include <string>
#include <string_view>

#include "telemetry/trace/finished_span.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry {

// A span waiting in the batch processor's queue: the span, or the exporter's staged
// form of it, never both.
struct QueuedSpan {
  FinishedSpan span;   // empty when staged
  std::string staged;  // empty unless the exporter staged the span
};

class SpanBatch {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = SpanData;
    using difference_type = std::ptrdiff_t;
    using pointer = const SpanData*;
    using reference = const SpanData&;

    iterator() = default;
    iterator(const SpanBatch* batch, std::size_t index) noexcept : batch_(batch), index_(index) {}
    reference operator*() const noexcept { return (*batch_)[index_]; }
    pointer operator->() const noexcept { return &(*batch_)[index_]; }
    iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const iterator& other) const noexcept { return index_ == other.index_; }

   private:
    const SpanBatch* batch_ = nullptr;
    std::size_t index_ = 0;
  };

  SpanBatch() = default;
  // Implicit: anything that holds spans contiguously (std::vector, std::array, std::span).
  template <std::ranges::contiguous_range Range>
  requires std::same_as<std::ranges::range_value_t<Range>, SpanData> SpanBatch(const Range& spans)
  noexcept  // NOLINT(google-explicit-constructor)
      : values_(std::ranges::data(spans)), size_(std::ranges::size(spans)) {}
  explicit SpanBatch(std::span<const QueuedSpan* const> entries) noexcept
      : entries_(entries.data()), size_(entries.size()) {}

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // Span `index`; only for an entry that is not staged (staged(index) is empty). An
  // exporter that stages nothing never sees a staged entry.
  const SpanData& operator[](std::size_t index) const noexcept {
    return values_ != nullptr ? values_[index] : *entries_[index]->span;
  }
  // The bytes this batch's exporter staged for span `index`; empty when it staged none.
  std::string_view staged(std::size_t index) const noexcept {
    return values_ != nullptr ? std::string_view() : std::string_view(entries_[index]->staged);
  }
  // Iterates the spans; only for a batch with no staged entry.
  iterator begin() const noexcept { return {this, 0}; }
  iterator end() const noexcept { return {this, size_}; }

  // Spans [offset, offset + count).
  SpanBatch subspan(std::size_t offset, std::size_t count) const noexcept {
    SpanBatch part;
    part.values_ = values_ != nullptr ? values_ + offset : nullptr;
    part.entries_ = values_ != nullptr ? nullptr : entries_ + offset;
    part.size_ = count;
    return part;
  }

 private:
  const SpanData* values_ = nullptr;            // contiguous spans, or
  const QueuedSpan* const* entries_ = nullptr;  // one pointer per queue entry
  std::size_t size_ = 0;
};

}  // namespace telemetry
