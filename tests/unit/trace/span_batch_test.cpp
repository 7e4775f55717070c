// A SpanBatch reads the same spans whether it was given them in a row or as pointers
// to the batch processor's queue entries, and its parts (subspan) keep that; a staged
// entry shows its bytes.

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

TEST(SpanBatch, ContiguousSpansAndQueueEntriesReadAlike) {
  const auto spans = spans_named({"a", "b", "c", "d"});
  std::vector<QueuedSpan> entries(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) entries[i].span = FinishedSpan::from(spans[i]);
  // Pointers in another order than the entries lie in memory, as queue lanes can be.
  const std::vector<const QueuedSpan*> pointers = {&entries[2], &entries[0], &entries[3]};
  const SpanBatch in_a_row = spans;
  const SpanBatch by_pointer{std::span<const QueuedSpan* const>(pointers)};
  EXPECT_EQ(names_of(in_a_row), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(names_of(by_pointer), (std::vector<std::string>{"c", "a", "d"}));
  EXPECT_EQ(by_pointer.size(), 3u);
  EXPECT_EQ(by_pointer[1].name, "a");
  EXPECT_EQ(names_of(in_a_row.subspan(1, 2)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(names_of(by_pointer.subspan(1, 2)), (std::vector<std::string>{"a", "d"}));
  EXPECT_TRUE(by_pointer.subspan(3, 0).empty());
  EXPECT_TRUE(SpanBatch().empty());
  EXPECT_TRUE(in_a_row.staged(0).empty());
  EXPECT_TRUE(by_pointer.staged(0).empty());
}

TEST(SpanBatch, AStagedEntryShowsItsBytes) {
  std::vector<QueuedSpan> entries(2);
  entries[0].staged = "bytes of span 0";
  entries[1].span = FinishedSpan::from(spans_named({"b"})[0]);
  const std::vector<const QueuedSpan*> pointers = {&entries[0], &entries[1]};
  const SpanBatch batch{std::span<const QueuedSpan* const>(pointers)};
  EXPECT_EQ(batch.staged(0), "bytes of span 0");
  EXPECT_TRUE(batch.staged(1).empty());
  EXPECT_EQ(batch[1].name, "b");
  EXPECT_EQ(batch.subspan(1, 1)[0].name, "b");
  EXPECT_EQ(batch.subspan(0, 1).staged(0), "bytes of span 0");
}

}  // namespace
}  // namespace telemetry
