// The request path's propagation work must not allocate: parsing a traceparent,
// formatting one into a buffer, extracting without tracestate, checking and making
// request ids. Counting calls to the global operator new proves it.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "counting_allocator.hpp"
#include "telemetry/propagation/request_id.hpp"
#include "telemetry/propagation/trace_context.hpp"

namespace telemetry::propagation {
namespace {

constexpr std::string_view kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(NoAllocation, CounterSeesAllocations) {
  const long before = counting_allocator::count();
  const std::string made = new_request_id() + std::string(64, 'x');
  EXPECT_GT(counting_allocator::count(), before);
}

TEST(NoAllocation, ParseAndFormatTraceparent) {
  const long before = counting_allocator::count();
  Traceparent parsed;
  ASSERT_EQ(parse_traceparent(kTraceparent, parsed), TraceparentError::none);
  char out[kTraceparentLength];
  format_traceparent(parsed.trace_id, parsed.parent_id, parsed.flags, out);
  EXPECT_EQ(counting_allocator::count(), before);
  EXPECT_EQ(std::string_view(out, sizeof out), kTraceparent);
}

TEST(NoAllocation, ExtractWithoutTracestate) {
  const std::string_view traceparent[] = {kTraceparent};
  const long before = counting_allocator::count();
  const Extracted result = extract(IncomingTraceHeaders{traceparent, {}, {}});
  EXPECT_EQ(counting_allocator::count(), before);
  EXPECT_TRUE(result.from_traceparent);
}

TEST(NoAllocation, RequestIdCheckAndGeneration) {
  std::array<char, kUuidLength> id{};
  write_new_request_id(id.data());  // first use seeds the thread
  const long before = counting_allocator::count();
  write_new_request_id(id.data());
  const bool valid = is_valid_request_id(std::string_view(id.data(), id.size()));
  EXPECT_EQ(counting_allocator::count(), before);
  EXPECT_TRUE(valid);
}

}  // namespace
}  // namespace telemetry::propagation
