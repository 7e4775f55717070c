// The wire encoder writes OTLP protobuf straight from SpanData. Its bytes must be what
// serializing the generated messages gives (make_request / encode_proto_requests of
// tests/support/otlp_proto_reference.hpp, the mapping checked field by field in
// test_otlp_json.cpp): same fields, same order, proto3 defaults left out, same
// splitting, whether a span was staged on its ending thread or not. The integration
// tests then check that a receiver on OpenTelemetry's own schema decodes them.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "otlp_proto_reference.hpp"
#include "otlp_test_support.hpp"
#include "telemetry/export/otlp_proto_wire.hpp"

namespace telemetry::otlp {
namespace {

using testing::make_large_span;
using testing::make_span;
using testing::test_resource;

// Every field and value type, with a long (> 127 bytes) attribute and a multi-byte
// varint length, a remote parent, an event, a link, and an error status.
SpanData every_field() {
  SpanData span = make_span(1, "GET /boards/{id}");
  span.parent_span_id = *SpanId::from_hex("0102030405060708");
  span.parent_is_remote = true;
  span.context.trace_state = "rb=1,other=x";
  span.attributes = {{"http.response.status_code", std::int64_t{200}},
                     {"negative", std::int64_t{-5}},
                     {"zero", std::int64_t{0}},
                     {"ratio", 0.5},
                     {"nan", std::nan("")},
                     {"inf", -std::numeric_limits<double>::infinity()},
                     {"ok", true},
                     {"not_ok", false},
                     {"empty", std::string()},
                     {"db.query.text", std::string(300, 'q')},
                     {"tags", std::vector<std::string>{"a", "", "b"}},
                     {"ints", std::vector<std::int64_t>{-1, 0, 2}},
                     {"doubles", std::vector<double>{0.0, 1.5}},
                     {"bools", std::vector<bool>{true, false}},
                     {"none", std::vector<std::string>{}},
                     {"", std::string("empty key")}};
  span.dropped_attributes = 2;
  span.events.push_back({"exception",
                         1'700'000'000'000'000'005ULL,
                         {{"exception.message", std::string("bad \"input\"\n")}},
                         1});
  span.events.push_back({"", 0, {}, 0});  // all defaults
  SpanLink link;
  link.context.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  link.context.span_id = *SpanId::from_hex("b7ad6b7169203331");
  link.context.flags = kFlagSampled;
  link.context.remote = true;
  link.context.trace_state = "k=v";
  link.attributes = {{"link.kind", std::string("upgrade")}};
  link.dropped_attributes = 3;
  span.links.push_back(link);
  span.dropped_events = 4;
  span.dropped_links = 5;
  span.status = StatusCode::error;
  span.status_message = "boom";
  return span;
}

// A batch as the batch processor hands it over: its queue entries, those at `staged`
// holding only the bytes stage_span wrote for their span.
class QueuedBatch {
 public:
  QueuedBatch(const std::vector<SpanData>& spans, const std::set<std::size_t>& staged)
      : entries_(spans.size()) {
    for (std::size_t i = 0; i < spans.size(); ++i) {
      if (staged.count(i) != 0) {
        stage_span(spans[i], entries_[i].staged);
      } else {
        entries_[i].span = FinishedSpan::from(spans[i]);
      }
      pointers_.push_back(&entries_[i]);
    }
  }
  SpanBatch batch() const { return SpanBatch(std::span<const QueuedSpan* const>(pointers_)); }

 private:
  std::vector<QueuedSpan> entries_;
  std::vector<const QueuedSpan*> pointers_;
};

std::string reference_bytes(const Resource& resource, SpanBatch spans) {
  google::protobuf::Arena arena;
  return make_request(resource, spans, arena)->SerializeAsString();
}

std::string wire_bytes(const Resource& resource, SpanBatch spans) {
  ProtoWireEncoder encoder(resource);
  std::size_t oversized = 99;
  const auto counts = encoder.encode(spans, 4 * 1024 * 1024, oversized);
  EXPECT_EQ(oversized, 0u);
  EXPECT_EQ(counts, std::vector<std::size_t>{spans.size()});
  return std::string(encoder.request(0));
}

TEST(ProtoWire, EveryFieldIsByteForByteTheGeneratedSerialization) {
  const std::vector<SpanData> spans = {every_field()};
  const std::string wire = wire_bytes(test_resource(), spans);
  EXPECT_EQ(wire, reference_bytes(test_resource(), spans));
  ExportRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire));
  const auto& span = parsed.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.attributes(9).value().string_value(), std::string(300, 'q'));
  EXPECT_EQ(span.flags(), 0x301u);
  EXPECT_EQ(span.links(0).flags(), 0x301u);
  EXPECT_EQ(span.status().message(), "boom");
}

TEST(ProtoWire, StringsOfEveryLengthAroundTheShortCopiesAreWrittenWhole) {
  // Short strings are copied with overlapping fixed-size moves (sizes 0-3, 4-7, 8-16),
  // longer ones with memcpy: keys and values of each length up to 40, each distinct.
  SpanData span = make_span(3, "lengths");
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string key, value;
    for (std::size_t i = 0; i < n; ++i) {
      key += static_cast<char>('a' + (i + n) % 26);
      value += static_cast<char>('A' + (i * 7 + n) % 26);
    }
    span.attributes.push_back({"k" + std::to_string(n) + key, value});
  }
  const std::vector<SpanData> spans = {span};
  EXPECT_EQ(wire_bytes(test_resource(), spans), reference_bytes(test_resource(), spans));
}

TEST(ProtoWire, MinimalSpansAndStatusWithOnlyAMessageOrACode) {
  SpanData bare = make_span(2, "");
  bare.kind = SpanKind::internal;
  bare.start_time = 0;
  bare.end_time = 0;
  SpanData ok = make_span(3);
  ok.status = StatusCode::ok;
  SpanData message_only = make_span(4);
  message_only.status_message = "note";
  const std::vector<SpanData> spans = {bare, ok, message_only};
  EXPECT_EQ(wire_bytes(test_resource(), spans), reference_bytes(test_resource(), spans));
  EXPECT_EQ(wire_bytes(Resource{}, spans), reference_bytes(Resource{}, spans));
}

TEST(ProtoWire, InvalidUtf8IsRepairedAsTheMessageEncodingDoes) {
  SpanData span = make_span(5, "name\xff");
  span.attributes = {{"key\xc3", std::string("abcdefgh\xe2\x82")},
                     {"list", std::vector<std::string>{"\x80", "ok"}}};
  span.status = StatusCode::error;
  span.status_message = "bad\xed\xa0\x80";
  const std::vector<SpanData> spans = {span};
  const std::string wire = wire_bytes(test_resource(), spans);
  EXPECT_EQ(wire, reference_bytes(test_resource(), spans));
  ExportRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire));  // protobuf checks proto3 strings' UTF-8
  EXPECT_EQ(parsed.resource_spans(0).scope_spans(0).spans(0).name(), "name\xef\xbf\xbd");
}

TEST(ProtoWire, SplitsExactlyAsTheMessageEncoding) {
  std::vector<SpanData> batch;
  for (std::uint8_t i = 0; i < 10; ++i) batch.push_back(make_large_span(i, 100 * 1024));
  batch.insert(batch.begin() + 3, make_large_span(50, 900 * 1024));  // too big alone
  batch.push_back(make_span(100, "small"));
  constexpr std::size_t kLimit = 300 * 1024;
  google::protobuf::Arena arena;
  const auto reference = encode_proto_requests(test_resource(), batch, kLimit, arena);
  // Staged spans (every other one, the oversized one too) split the same way.
  std::set<std::size_t> some = {3};
  for (std::size_t i = 0; i < batch.size(); i += 2) some.insert(i);
  for (const bool some_staged : {false, true}) {
    SCOPED_TRACE(some_staged ? "some staged" : "none staged");
    const QueuedBatch queued(batch, some_staged ? some : std::set<std::size_t>{});
    ProtoWireEncoder encoder(test_resource());
    std::size_t oversized = 0;
    const auto counts = encoder.encode(queued.batch(), kLimit, oversized);
    EXPECT_EQ(oversized, 1u);
    EXPECT_EQ(oversized, reference.oversized);
    EXPECT_EQ(counts, reference.span_counts);
    ASSERT_EQ(encoder.request_count(), reference.requests.size());
    for (std::size_t i = 0; i < encoder.request_count(); ++i) {
      EXPECT_LE(encoder.request(i).size(), kLimit);
      EXPECT_EQ(encoder.request(i), reference.requests[i]->SerializeAsString()) << i;
    }
  }
}

TEST(ProtoWire, ReusedEncoderForgetsThePreviousBatch) {
  ProtoWireEncoder encoder(test_resource());
  std::size_t oversized = 0;
  const std::vector<SpanData> first = {every_field(), make_span(7)};
  encoder.encode(first, 4 * 1024 * 1024, oversized);
  const std::vector<SpanData> second = {make_span(8)};
  encoder.encode(second, 4 * 1024 * 1024, oversized);
  ASSERT_EQ(encoder.request_count(), 1u);
  EXPECT_EQ(encoder.request(0), reference_bytes(test_resource(), second));
  EXPECT_TRUE(encoder.encode({}, 4 * 1024 * 1024, oversized).empty());
  EXPECT_EQ(encoder.request_count(), 0u);
}

TEST(ProtoWire, StagedSpansGiveTheSameBytes) {
  const std::vector<SpanData> spans = {every_field(), make_span(9, "staged"),
                                       make_span(10, "not staged")};
  // The third is encoded by the export thread.
  const QueuedBatch queued(spans, {0, 1});
  ASSERT_FALSE(queued.batch().staged(0).empty());
  EXPECT_EQ(wire_bytes(test_resource(), queued.batch()), reference_bytes(test_resource(), spans));
}

TEST(ProtoWire, StagingReplacesEarlierBytes) {
  const SpanData span = make_span(11, "recycled");
  QueuedSpan entry;
  entry.staged = "stale bytes of an earlier span";  // a recycled queue entry's buffer
  stage_span(span, entry.staged);
  const QueuedSpan* pointer = &entry;
  const std::vector<SpanData> plain = {span};
  EXPECT_EQ(wire_bytes(test_resource(), SpanBatch(std::span<const QueuedSpan* const>(&pointer, 1))),
            reference_bytes(test_resource(), plain));
}

}  // namespace
}  // namespace telemetry::otlp
