// The trace view keeps spans encoded in their trace's buffer: what it decodes for a page
// is the span that ended, every field and attribute type included.
#include "telemetry/trace_view/span_codec.hpp"

#include <gtest/gtest.h>

namespace telemetry::trace_view {
namespace {

SpanData full_span() {
  SpanData span;
  span.context.trace_id.bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  span.context.span_id.bytes = {21, 22, 23, 24, 25, 26, 27, 28};
  span.context.flags = kFlagSampled;
  span.context.trace_state = "vendor=value";
  span.parent_span_id.bytes = {31, 32, 33, 34, 35, 36, 37, 38};
  span.parent_is_remote = true;
  span.name = "GET /api/boards/{id} with a name longer than the small-string buffer";
  span.kind = SpanKind::server;
  span.start_time = 1'700'000'000'123'456'789;
  span.end_time = span.start_time + 42'000;
  span.attributes = {
      {"flag", true},
      {"http.response.status_code", std::int64_t{503}},
      {"ratio", 0.25},
      {"http.route", std::string("/api/boards/{id}")},
      {"bools", std::vector<bool>{true, false, true}},
      {"ints", std::vector<std::int64_t>{-1, 0, 1}},
      {"doubles", std::vector<double>{1.5, -2.5}},
      {"strings", std::vector<std::string>{"a", "", "<script>"}},
  };
  span.events.push_back(SpanEvent{"exception", span.start_time + 10, {{"k", std::string("v")}}, 2});
  SpanLink link;
  link.context.trace_id.bytes[0] = 0xee;
  link.context.span_id.bytes[0] = 0xdd;
  link.context.remote = true;
  link.attributes = {{"link.kind", std::string("follows")}};
  link.dropped_attributes = 1;
  span.links.push_back(link);
  span.status = StatusCode::error;
  span.status_message = "upstream failed";
  span.dropped_attributes = 3;
  span.dropped_events = 4;
  span.dropped_links = 5;
  return span;
}

void expect_same(const SpanData& a, const SpanData& b) {
  EXPECT_EQ(a.context.trace_id, b.context.trace_id);
  EXPECT_EQ(a.context.span_id, b.context.span_id);
  EXPECT_EQ(a.context.flags, b.context.flags);
  EXPECT_EQ(a.context.trace_state, b.context.trace_state);
  EXPECT_EQ(a.parent_span_id, b.parent_span_id);
  EXPECT_EQ(a.parent_is_remote, b.parent_is_remote);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.start_time, b.start_time);
  EXPECT_EQ(a.end_time, b.end_time);
  ASSERT_EQ(a.attributes.size(), b.attributes.size());
  for (std::size_t i = 0; i < a.attributes.size(); ++i) {
    EXPECT_EQ(a.attributes[i].key, b.attributes[i].key);
    EXPECT_EQ(a.attributes[i].value, b.attributes[i].value) << a.attributes[i].key;
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].name, b.events[i].name);
    EXPECT_EQ(a.events[i].time, b.events[i].time);
    EXPECT_EQ(a.events[i].attributes.size(), b.events[i].attributes.size());
    EXPECT_EQ(a.events[i].dropped_attributes, b.events[i].dropped_attributes);
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].context.trace_id, b.links[i].context.trace_id);
    EXPECT_EQ(a.links[i].context.span_id, b.links[i].context.span_id);
    EXPECT_EQ(a.links[i].context.remote, b.links[i].context.remote);
    EXPECT_EQ(a.links[i].attributes[0].value, b.links[i].attributes[0].value);
    EXPECT_EQ(a.links[i].dropped_attributes, b.links[i].dropped_attributes);
  }
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.status_message, b.status_message);
  EXPECT_EQ(a.dropped_attributes, b.dropped_attributes);
  EXPECT_EQ(a.dropped_events, b.dropped_events);
  EXPECT_EQ(a.dropped_links, b.dropped_links);
}

TEST(SpanCodec, SpansComeBackAsTheyEndedOneAfterTheOther) {
  const SpanData first = full_span();
  SpanData second;
  second.context.trace_id = first.context.trace_id;
  second.context.span_id.bytes[7] = 9;
  second.name = "db.query";
  std::string bytes;
  append_span(bytes, first);
  append_span(bytes, second);

  std::string_view in = bytes;
  const auto a = read_span(in);
  ASSERT_TRUE(a);
  expect_same(first, *a);
  const auto b = read_span(in);
  ASSERT_TRUE(b);
  expect_same(second, *b);
  EXPECT_TRUE(in.empty());
}

TEST(SpanCodec, AShortBufferIsRefusedNotReadPastItsEnd) {
  std::string bytes;
  append_span(bytes, full_span());
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    std::string_view in(bytes.data(), cut);
    EXPECT_FALSE(read_span(in)) << "cut at " << cut;
    EXPECT_EQ(in.size(), cut) << "left as it was";
  }
}

}  // namespace
}  // namespace telemetry::trace_view
