#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "telemetry/trace/id_generator.hpp"
#include "telemetry/trace/span_data.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

using test::RecordingSetup;

const AttributeValue* find(const Attributes& attributes, std::string_view key) {
  for (const auto& attribute : attributes) {
    if (attribute.key == key) return &attribute.value;
  }
  return nullptr;
}

TEST(Span, RootSpanStartsANewRandomSampledTrace) {
  RecordingSetup setup;
  Span span = setup.tracer().start_span("root", SpanKind::server, SpanContext{});
  ASSERT_TRUE(span.context().valid());
  EXPECT_TRUE(span.context().sampled());
  EXPECT_TRUE(span.context().flags & kFlagRandomTraceId);
  EXPECT_TRUE(span.is_recording());
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "root");
  EXPECT_EQ(spans[0].kind, SpanKind::server);
  EXPECT_FALSE(spans[0].parent_span_id.valid());
  EXPECT_EQ(spans[0].context.trace_id, span.context().trace_id);
  EXPECT_EQ(spans[0].context.span_id, span.context().span_id);
  EXPECT_GE(spans[0].end_time, spans[0].start_time);
  EXPECT_GT(spans[0].start_time, 1'600'000'000'000'000'000ULL);  // a wall-clock time
}

TEST(Span, WithEntrySpansOnlyALocalChildStandsForItsParentAndRecordsNothing) {
  RecordingSetup setup(make_always_on_sampler(), {}, true, /*entry_spans_only=*/true);
  Span request = setup.tracer().start_span("GET /x", SpanKind::server, test::remote_parent(true));
  Span statement = request.start_child("SELECT boards", SpanKind::client);
  Span step = statement.start_child("authorize");
  EXPECT_FALSE(statement.is_recording());
  EXPECT_FALSE(step.is_recording());
  // Their ids are the request span's: a log line written under them names it.
  EXPECT_EQ(statement.context().trace_id, request.context().trace_id);
  EXPECT_EQ(statement.context().span_id, request.context().span_id);
  EXPECT_EQ(step.context().span_id, request.context().span_id);
  EXPECT_TRUE(statement.context().sampled());
  // An entry span under a local parent (a WebSocket message on its connection) and a
  // new root still record.
  Span message = request.start_child("WS cursor.move", SpanKind::server);
  EXPECT_TRUE(message.is_recording());
  Span startup = setup.tracer().start_span("startup", SpanKind::internal, SpanContext{});
  EXPECT_TRUE(startup.is_recording());
  step.end();
  statement.end();
  message.end();
  startup.end();
  request.end();
  std::vector<std::string> names;
  for (const auto& span : setup.spans()) names.push_back(span.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"GET /x", "WS cursor.move", "startup"}));
}

TEST(Span, ChildCarriesTraceAndParentIds) {
  RecordingSetup setup;
  Span root = setup.tracer().start_span("root", SpanKind::server, SpanContext{});
  {
    Span child = root.start_child("child", SpanKind::client);
    EXPECT_EQ(child.context().trace_id, root.context().trace_id);
    EXPECT_NE(child.context().span_id, root.context().span_id);
  }
  root.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "child");
  EXPECT_EQ(spans[0].parent_span_id, root.context().span_id);
  EXPECT_FALSE(spans[0].parent_is_remote);
  EXPECT_EQ(spans[0].kind, SpanKind::client);
}

TEST(Span, RemoteParentIsContinued) {
  RecordingSetup setup;
  SpanContext parent = test::remote_parent(true);
  parent.trace_state = "vendor=abc";
  Span span = setup.tracer().start_span("server", SpanKind::server, parent);
  EXPECT_EQ(span.context().trace_id, parent.trace_id);
  EXPECT_EQ(span.context().trace_state, "vendor=abc");
  // We did not generate that trace id, and the parent did not say it is random.
  EXPECT_FALSE(span.context().flags & kFlagRandomTraceId);
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].parent_span_id, parent.span_id);
  EXPECT_TRUE(spans[0].parent_is_remote);
  EXPECT_FALSE(spans[0].context.remote);
}

TEST(Span, TraceIdWithoutSpanIdContinuesTheTraceAsARoot) {
  RecordingSetup setup(make_parent_based_sampler(make_always_on_sampler()));
  SpanContext fallback;
  fallback.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  Span span = setup.tracer().start_span("server", SpanKind::server, fallback);
  EXPECT_EQ(span.context().trace_id, fallback.trace_id);
  EXPECT_TRUE(span.context().span_id.valid());
  EXPECT_TRUE(span.context().sampled());  // decided by the root sampler
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(spans[0].parent_span_id.valid());
}

TEST(Span, UnsampledSpanHasValidContextAndChildrenStayUnsampled) {
  RecordingSetup setup(make_parent_based_sampler(make_always_off_sampler()));
  Span root = setup.tracer().start_span("root", SpanKind::server, SpanContext{});
  EXPECT_TRUE(root.context().valid());
  EXPECT_FALSE(root.context().sampled());
  EXPECT_FALSE(root.is_recording());
  root.set_attribute("ignored", 1);  // a no-op, not a crash
  Span child = root.start_child("child");
  EXPECT_TRUE(child.context().valid());
  EXPECT_EQ(child.context().trace_id, root.context().trace_id);
  EXPECT_FALSE(child.context().sampled());
  EXPECT_FALSE(child.is_recording());
  child.end();
  root.end();
  EXPECT_TRUE(setup.spans().empty());
}

TEST(Span, DisabledTracingStillGivesIdsAndPassesTheUpstreamDecisionOn) {
  RecordingSetup setup(make_always_on_sampler(), {}, /*enabled=*/false);
  Span root = setup.tracer().start_span("root", SpanKind::server, SpanContext{});
  EXPECT_TRUE(root.context().valid());
  EXPECT_FALSE(root.is_recording());
  EXPECT_FALSE(root.context().sampled());
  Span continued = setup.tracer().start_span("s", SpanKind::server, test::remote_parent(true));
  EXPECT_TRUE(continued.context().sampled());
  EXPECT_FALSE(continued.is_recording());
  continued.end();
  root.end();
  EXPECT_TRUE(setup.spans().empty());
}

TEST(Span, DefaultConstructedSpanIsInertAndStartChildGivesAnotherInertSpan) {
  Span span;
  EXPECT_FALSE(span.context().valid());
  span.set_attribute("k", "v");
  Span child = span.start_child("x");
  EXPECT_FALSE(child.context().valid());
  span.end();
}

TEST(Span, TypedAttributesAndOverwrite) {
  RecordingSetup setup;
  Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{},
                                        {{"initial", std::string("yes")}});
  span.set_attribute("text", "hello");
  span.set_attribute("number", 42);
  span.set_attribute("ratio", 0.5);
  span.set_attribute("flag", true);
  span.set_attribute("list", AttributeValue(std::vector<std::int64_t>{1, 2, 3}));
  span.set_attribute("number", 43);                            // overwrites, not a second entry
  span.set_attribute("text", "a longer string than fifteen");  // string -> string reuse
  span.set_attribute("flag", "now a string");                  // type change
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  const Attributes& attributes = spans[0].attributes;
  ASSERT_EQ(attributes.size(), 6u);
  EXPECT_EQ(std::get<std::string>(*find(attributes, "initial")), "yes");
  EXPECT_EQ(std::get<std::string>(*find(attributes, "text")), "a longer string than fifteen");
  EXPECT_EQ(std::get<std::int64_t>(*find(attributes, "number")), 43);
  EXPECT_EQ(std::get<double>(*find(attributes, "ratio")), 0.5);
  EXPECT_EQ(std::get<std::string>(*find(attributes, "flag")), "now a string");
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(*find(attributes, "list")),
            (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(spans[0].dropped_attributes, 0u);
}

TEST(Span, EveryKeySetTwiceIsOverwrittenWhateverItsLength) {
  // More keys than a span's 64-bit key filter has bits, short and long, keys that differ
  // only in the middle: each second set must find the first, and distinct keys must not
  // merge.
  RecordingSetup setup;
  Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{});
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    keys.push_back(i % 3 == 0   ? std::to_string(i)
                   : i % 3 == 1 ? "prefix." + std::to_string(i) + ".suffix"
                                : "k" + std::string(static_cast<std::size_t>(i % 9), 'x'));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& key : keys) span.set_attribute(key, "first");
  for (const auto& key : keys) span.set_attribute(key, std::int64_t{2});
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  const Attributes& attributes = spans[0].attributes;
  ASSERT_EQ(attributes.size(), keys.size());
  for (const auto& key : keys) {
    const AttributeValue* value = find(attributes, key);
    ASSERT_NE(value, nullptr) << key;
    EXPECT_EQ(std::get<std::int64_t>(*value), 2) << key;
  }
}

TEST(Span, ReusedStorageNeverLeaksAttributesIntoTheNextSpan) {
  RecordingSetup setup;
  {
    Span first = setup.tracer().start_span("first", SpanKind::internal, SpanContext{});
    for (int i = 0; i < 5; ++i) first.set_attribute("key" + std::to_string(i), i);
    first.add_event("e");
    first.set_status(StatusCode::error, "bad");
  }
  {
    Span second = setup.tracer().start_span("second", SpanKind::internal, SpanContext{});
    second.set_attribute("only", 1);
  }
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].name, "second");
  ASSERT_EQ(spans[1].attributes.size(), 1u);
  EXPECT_EQ(spans[1].attributes[0].key, "only");
  EXPECT_TRUE(spans[1].events.empty());
  EXPECT_EQ(spans[1].status, StatusCode::unset);
  EXPECT_TRUE(spans[1].status_message.empty());
}

TEST(Span, AttributeCountAndLengthLimitsCountDrops) {
  SpanLimits limits;
  limits.attribute_count = 2;
  limits.attribute_value_length = 4;
  RecordingSetup setup(make_always_on_sampler(), limits);
  Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{});
  span.set_attribute("a", "abcdefgh");
  span.set_attribute("b", AttributeValue(std::vector<std::string>{"123456", "xy"}));
  span.set_attribute("c", 1);                           // over the count limit
  span.set_attribute("d", 2);                           // over the count limit
  span.set_attribute("a", "zz");                        // overwriting an existing key is not a drop
  span.set_attribute("e", "\xc3\xa9\xc3\xa9\xc3\xa9");  // dropped too
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].attributes.size(), 2u);
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "a")), "zz");
  EXPECT_EQ(std::get<std::vector<std::string>>(*find(spans[0].attributes, "b")),
            (std::vector<std::string>{"1234", "xy"}));
  EXPECT_EQ(spans[0].dropped_attributes, 3u);
}

TEST(Span, LengthLimitNeverSplitsAUtf8Character) {
  SpanLimits limits;
  limits.attribute_value_length = 3;
  RecordingSetup setup(make_always_on_sampler(), limits);
  Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{});
  span.set_attribute("word", "\xc3\xa9\xc3\xa9");  // "éé", 4 bytes
  span.set_attribute("long", "abcdef");
  span.set_attribute("not.utf8", "\x80\x80\x80\x80\x80");  // no character to keep whole
  span.end();
  const auto spans = setup.spans();
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "word")), "\xc3\xa9");
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "long")), "abc");
  // Cut at the limit, not emptied: the exporter then shows each byte as U+FFFD.
  EXPECT_EQ(std::get<std::string>(*find(spans[0].attributes, "not.utf8")), "\x80\x80\x80");
}

TEST(Span, EventAndLinkLimitsCountDrops) {
  SpanLimits limits;
  limits.event_count = 2;
  limits.link_count = 1;
  limits.event_attribute_count = 1;
  limits.link_attribute_count = 1;
  RecordingSetup setup(make_always_on_sampler(), limits);
  Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{});
  span.add_event("one", {{"x", std::int64_t{1}}, {"y", std::int64_t{2}}});
  span.add_event("two");
  span.add_event("three");
  const SpanContext linked = test::remote_parent(true);
  span.add_link(linked, {{"l1", true}, {"l2", false}});
  span.add_link(linked);
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].events.size(), 2u);
  EXPECT_EQ(spans[0].events[0].name, "one");
  EXPECT_EQ(spans[0].events[0].attributes.size(), 1u);
  EXPECT_EQ(spans[0].events[0].dropped_attributes, 1u);
  EXPECT_GE(spans[0].events[0].time, spans[0].start_time);
  EXPECT_LE(spans[0].events[1].time, spans[0].end_time);
  EXPECT_EQ(spans[0].dropped_events, 1u);
  ASSERT_EQ(spans[0].links.size(), 1u);
  EXPECT_EQ(spans[0].links[0].context.span_id, linked.span_id);
  EXPECT_EQ(spans[0].links[0].dropped_attributes, 1u);
  EXPECT_EQ(spans[0].dropped_links, 1u);
}

TEST(Span, StatusOkIsFinalAndDescriptionOnlyForError) {
  RecordingSetup setup;
  {
    Span span = setup.tracer().start_span("ok", SpanKind::internal, SpanContext{});
    span.set_status(StatusCode::ok, "ignored description");
    span.set_status(StatusCode::error, "too late");
    span.set_status(StatusCode::unset);
  }
  {
    Span span = setup.tracer().start_span("error", SpanKind::internal, SpanContext{});
    span.set_status(StatusCode::error, "first");
    span.set_status(StatusCode::unset);  // ignored
    span.set_status(StatusCode::error, "second");
  }
  {
    Span span = setup.tracer().start_span("error-then-ok", SpanKind::internal, SpanContext{});
    span.set_status(StatusCode::error, "failed");
    span.set_status(StatusCode::ok, "recovered");
  }
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].status, StatusCode::ok);
  EXPECT_EQ(spans[0].status_message, "");
  EXPECT_EQ(spans[1].status, StatusCode::error);
  EXPECT_EQ(spans[1].status_message, "second");
  EXPECT_EQ(spans[2].status, StatusCode::ok);
  EXPECT_EQ(spans[2].status_message, "");
}

TEST(Span, RecordExceptionAddsAnExceptionEvent) {
  RecordingSetup setup;
  {
    Span span = setup.tracer().start_span("s", SpanKind::internal, SpanContext{});
    span.record_exception("std::runtime_error", "database is locked");
  }
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  ASSERT_EQ(spans[0].events.size(), 1u);
  const SpanEvent& event = spans[0].events[0];
  EXPECT_EQ(event.name, "exception");
  EXPECT_EQ(std::get<std::string>(*find(event.attributes, "exception.type")), "std::runtime_error");
  EXPECT_EQ(std::get<std::string>(*find(event.attributes, "exception.message")),
            "database is locked");
  EXPECT_EQ(spans[0].status, StatusCode::unset);  // the caller decides the status
}

TEST(Span, EndIsIdempotentAndMovedSpansEndOnce) {
  RecordingSetup setup;
  Span outer;
  {
    Span span = setup.tracer().start_span("moved", SpanKind::internal, SpanContext{});
    outer = std::move(span);
  }
  EXPECT_TRUE(setup.spans().empty());
  outer.update_name("renamed");
  outer.end();
  outer.end();
  outer.set_attribute("after-end", 1);
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "renamed");
  EXPECT_TRUE(spans[0].attributes.empty());
}

TEST(Span, MoveAssignEndsTheSpanItReplaces) {
  RecordingSetup setup;
  Span span = setup.tracer().start_span("first", SpanKind::internal, SpanContext{});
  span = setup.tracer().start_span("second", SpanKind::internal, SpanContext{});
  ASSERT_EQ(setup.spans().size(), 1u);
  EXPECT_EQ(setup.spans()[0].name, "first");
}

TEST(IdGenerator, IdsAreValidAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const TraceId id = random_trace_id();
    ASSERT_TRUE(id.valid());
    seen.insert(id.to_hex());
    ASSERT_TRUE(random_span_id().valid());
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace telemetry
