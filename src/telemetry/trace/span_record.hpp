#pragma once
// The mutable state behind a recording Span handle. Records are pooled by the Tracer
// and their storage is reused: attribute entries past `attribute_count` are leftovers
// of an earlier span whose strings keep their capacity, so setting an attribute
// usually allocates nothing.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "telemetry/trace/config.hpp"
#include "telemetry/trace/span_data.hpp"

namespace telemetry::detail {

struct SpanRecord {
  SpanData data;
  std::chrono::steady_clock::time_point start_steady;
  std::size_t attribute_count = 0;  // live entries at the front of data.attributes
  // One bit per live key's hash: a key whose bit is clear is new, and needs no search
  // through the keys already set (the usual case: spans rarely set a key twice).
  std::uint64_t key_bits = 0;
  SpanRecord* next_free = nullptr;  // the tracer's pool
  // Once the span has ended: how many FinishedSpan handles share it (finished_span.hpp).
  std::atomic<std::uint32_t> holders{0};
};

// The steady-clock time since the span started, added to its wall-clock start.
UnixNanos now_for(const SpanRecord& record) noexcept;

// The wall-clock time at `steady_now`, from a per-thread anchor (one system_clock
// read per thread every 50 ms) instead of a second clock read per span. Within that
// window the error is the clocks' relative drift: microseconds at worst.
UnixNanos wall_time_at(std::chrono::steady_clock::time_point steady_now) noexcept;

// Adds or overwrites `key`; counts a drop when the count limit is reached.
void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   std::string_view value);
void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   AttributeValue value);
void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   std::int64_t value);
void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   double value);
void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key, bool value);

// Applies the count and value-length limits to a list of attributes (event, link or
// initial); returns how many were dropped.
std::uint32_t limit_attributes(Attributes& attributes, std::size_t count_limit,
                               std::size_t value_length_limit);

// Cuts a string to at most `limit` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& text, std::size_t limit) noexcept;

// Readies a pooled record for a new span (keeps capacity where it can).
void reset(SpanRecord& record) noexcept;
// Drops leftover attribute entries so that data.attributes holds exactly the span's.
void finish(SpanRecord& record) noexcept;

}  // namespace telemetry::detail
