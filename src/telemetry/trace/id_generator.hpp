#pragma once
// Trace and span ids from a per-thread xoshiro256** generator, seeded lazily from
// std::random_device the first time a thread asks. No lock, no global with a
// destructor (the per-thread state is plain integers) and no atfork handler: a child
// process that keeps tracing after fork() shares its parent's sequence until it
// re-seeds with reseed_this_thread().

#include <cstdint>

#include "telemetry/trace/span_context.hpp"

namespace telemetry {

// 64 random bits from this thread's generator.
std::uint64_t random_u64() noexcept;

// Never all zero. The whole id is random, so the lower 7 bytes are too, and a trace
// we start may carry the W3C Level 2 random flag (kFlagRandomTraceId).
TraceId random_trace_id() noexcept;
SpanId random_span_id() noexcept;

// Discards this thread's state; the next call seeds again from std::random_device.
void reseed_this_thread() noexcept;

}  // namespace telemetry
