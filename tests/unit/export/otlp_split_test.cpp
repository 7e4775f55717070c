// Batches are split by encoded size so that no request goes over the limit (a
// collector refuses a gRPC message over 4 MiB as a whole).

#include <gtest/gtest.h>

#include "otlp_proto_reference.hpp"
#include "otlp_test_support.hpp"
#include "telemetry/export/otlp_batch_split.hpp"
#include "telemetry/export/otlp_json_encoding.hpp"

namespace telemetry::otlp {
namespace {

using testing::make_large_span;
using testing::make_span;
using testing::test_resource;

TEST(PlanSplit, KeepsEverythingInOneRunWhenItFits) {
  const std::vector<std::size_t> sizes = {10, 20, 30};
  const auto plan = plan_split(sizes, 5, 100);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].first, 0u);
  EXPECT_EQ(plan.runs[0].count, 3u);
  EXPECT_TRUE(plan.oversized.empty());
}

TEST(PlanSplit, StartsANewRunAtTheLimit) {
  const std::vector<std::size_t> sizes = {40, 40, 40, 10, 90};
  const auto plan = plan_split(sizes, 10, 100);  // 10 + 40 + 40 = 90 fits, +40 not
  ASSERT_EQ(plan.runs.size(), 3u);
  EXPECT_EQ(plan.runs[0].count, 2u);
  EXPECT_EQ(plan.runs[1].first, 2u);
  EXPECT_EQ(plan.runs[1].count, 2u);
  EXPECT_EQ(plan.runs[2].first, 4u);
  EXPECT_EQ(plan.runs[2].count, 1u);  // exactly at the limit is allowed
}

TEST(PlanSplit, LeavesOutSpansThatCannotFitAlone) {
  const std::vector<std::size_t> sizes = {10, 200, 10};
  const auto plan = plan_split(sizes, 10, 100);
  ASSERT_EQ(plan.oversized.size(), 1u);
  EXPECT_EQ(plan.oversized[0], 1u);
  std::size_t sent = 0;
  for (const auto& run : plan.runs) {
    for (std::size_t i = run.first; i < run.first + run.count; ++i) EXPECT_NE(i, 1u);
    sent += run.count;
  }
  EXPECT_EQ(sent, 2u);
}

TEST(PlanSplit, EmptyBatchHasNoRuns) {
  EXPECT_TRUE(plan_split({}, 10, 100).runs.empty());
}

std::vector<SpanData> large_batch() {
  std::vector<SpanData> batch;
  for (std::uint8_t i = 0; i < 24; ++i) batch.push_back(make_large_span(i, 256 * 1024));
  batch.push_back(make_span(100, "small"));
  return batch;
}

TEST(ProtoSplit, EveryRequestStaysUnderTheLimitAndNoSpanIsLost) {
  const auto batch = large_batch();  // about 6 MiB
  constexpr std::size_t kLimit = 4 * 1024 * 1024;
  google::protobuf::Arena arena;
  const auto encoded = encode_proto_requests(test_resource(), batch, kLimit, arena);
  ASSERT_GE(encoded.requests.size(), 2u);
  EXPECT_EQ(encoded.oversized, 0u);
  std::vector<std::string> names;
  for (std::size_t r = 0; r < encoded.requests.size(); ++r) {
    const auto& request = *encoded.requests[r];
    EXPECT_LE(request.ByteSizeLong(), kLimit);
    const auto& spans = request.resource_spans(0).scope_spans(0).spans();
    EXPECT_EQ(static_cast<std::size_t>(spans.size()), encoded.span_counts[r]);
    EXPECT_EQ(request.resource_spans(0).resource().attributes(0).key(), "service.name");
    for (const auto& span : spans) names.push_back(span.span_id());
  }
  ASSERT_EQ(names.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(names[i],
              std::string(reinterpret_cast<const char*>(batch[i].context.span_id.bytes.data()), 8));
  }
}

TEST(ProtoSplit, ASmallBatchIsOneRequest) {
  const std::vector<SpanData> batch = {make_span(1), make_span(2)};
  google::protobuf::Arena arena;
  const auto encoded = encode_proto_requests(test_resource(), batch, 4 * 1024 * 1024, arena);
  ASSERT_EQ(encoded.requests.size(), 1u);
  EXPECT_EQ(encoded.span_counts[0], 2u);
}

TEST(ProtoSplit, ASpanOverTheLimitAloneIsLeftOutAndCounted) {
  std::vector<SpanData> batch = {make_span(1), make_large_span(2, 300 * 1024), make_span(3)};
  google::protobuf::Arena arena;
  const auto encoded = encode_proto_requests(test_resource(), batch, 200 * 1024, arena);
  EXPECT_EQ(encoded.oversized, 1u);
  std::size_t sent = 0;
  for (auto n : encoded.span_counts) sent += n;
  EXPECT_EQ(sent, 2u);
}

TEST(ProtoSplit, AReusedArenaEncodesEachBatchAfreshAndSplitsOnIt) {
  // The transports keep one arena per export thread and reset it between batches.
  RequestArena arena(64 * 1024);  // a small first block: later blocks come and go
  const std::vector<SpanData> small = {make_span(1), make_span(2)};
  const auto first = encode_proto_requests(test_resource(), small, 4 * 1024 * 1024, arena.get());
  const std::string first_bytes = first.requests[0]->SerializeAsString();
  arena.reset();
  const auto large =
      encode_proto_requests(test_resource(), large_batch(), 4 * 1024 * 1024, arena.get());
  ASSERT_GE(large.requests.size(), 2u);
  for (const auto* request : large.requests) EXPECT_EQ(request->GetArena(), &arena.get());
  arena.reset();
  const auto again = encode_proto_requests(test_resource(), small, 4 * 1024 * 1024, arena.get());
  ASSERT_EQ(again.requests.size(), 1u);
  EXPECT_EQ(again.requests[0]->SerializeAsString(), first_bytes);
  ExportRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(first_bytes));
  EXPECT_EQ(parsed.resource_spans(0).scope_spans(0).spans_size(), 2);
}

TEST(JsonSplit, EveryBodyStaysUnderTheLimitAndParsesAsOneRequest) {
  const auto batch = large_batch();
  constexpr std::size_t kLimit = 4 * 1024 * 1024;
  const auto encoded = encode_json_requests(test_resource(), batch, kLimit);
  ASSERT_GE(encoded.bodies.size(), 2u);
  std::size_t sent = 0;
  for (std::size_t i = 0; i < encoded.bodies.size(); ++i) {
    EXPECT_LE(encoded.bodies[i].size(), kLimit);
    // The same bytes as encoding those spans directly.
    const auto expected = encode_json_request(
        test_resource(), SpanBatch(batch).subspan(sent, encoded.span_counts[i]));
    EXPECT_EQ(encoded.bodies[i], expected);
    sent += encoded.span_counts[i];
  }
  EXPECT_EQ(sent, batch.size());
}

}  // namespace
}  // namespace telemetry::otlp
