// A SpanBatch reads the same spans whether it was given them in a row or as pointers
// into the batch processor's queue slots, and its parts (subspan) keep that.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telemetry/trace/span_batch.hpp"

namespace telemetry {
namespace {

std::vector<std::string> names_of(SpanBatch batch) {
  std::vector<std::string> names;
  for (const SpanData& span : batch) names.push_back(span.name);
  return names;
}

std::vector<SpanData> spans_named(std::initializer_list<const char*> names) {
  std::vector<SpanData> spans;
  for (const char* name : names) spans.emplace_back().name = name;
  return spans;
}

TEST(SpanBatch, ContiguousSpansAndPointersReadAlike) {
  const auto spans = spans_named({"a", "b", "c", "d"});
  // Pointers in another order than the spans lie in memory, as queue slots can be.
  const std::vector<const SpanData*> pointers = {&spans[2], &spans[0], &spans[3]};
  const SpanBatch in_a_row = spans;
  const SpanBatch by_pointer{std::span<const SpanData* const>(pointers)};
  EXPECT_EQ(names_of(in_a_row), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(names_of(by_pointer), (std::vector<std::string>{"c", "a", "d"}));
  EXPECT_EQ(by_pointer.size(), 3u);
  EXPECT_EQ(by_pointer[1].name, "a");
  EXPECT_EQ(names_of(in_a_row.subspan(1, 2)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(names_of(by_pointer.subspan(1, 2)), (std::vector<std::string>{"a", "d"}));
  EXPECT_TRUE(by_pointer.subspan(3, 0).empty());
  EXPECT_TRUE(SpanBatch().empty());
}

}  // namespace
}  // namespace telemetry
