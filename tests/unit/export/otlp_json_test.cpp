// The OTLP/JSON mapping, byte for byte: hex ids (not base64), integer enums, 64-bit
// integers as strings, lowerCamelCase names. And the protobuf mapping of the same span.

#include <gtest/gtest.h>

#include <cmath>

#include "otlp_proto_reference.hpp"
#include "otlp_test_support.hpp"
#include "telemetry/export/otlp_json_encoding.hpp"

namespace telemetry::otlp {
namespace {

using testing::make_span;

SpanData full_span() {
  SpanData span = make_span(1, "GET /boards/{id}");
  span.parent_span_id = *SpanId::from_hex("0102030405060708");
  span.parent_is_remote = true;
  span.context.trace_state = "rb=1";
  span.attributes = {{"http.response.status_code", std::int64_t{200}},
                     {"big", std::int64_t{9007199254740993}},
                     {"ratio", 0.5},
                     {"ok", true},
                     {"tags", std::vector<std::string>{"a", "b"}},
                     {"ints", std::vector<std::int64_t>{-1, 2}}};
  span.events.push_back({"exception",
                         1'700'000'000'000'000'005ULL,
                         {{"exception.message", std::string("bad \"input\"\n")}},
                         0});
  SpanLink link;
  link.context.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  link.context.span_id = *SpanId::from_hex("b7ad6b7169203331");
  link.context.flags = kFlagSampled;
  link.attributes = {{"link.kind", std::string("upgrade")}};
  span.links.push_back(link);
  span.status = StatusCode::error;
  span.status_message = "boom";
  span.dropped_attributes = 2;
  return span;
}

TEST(JsonEncoding, GoldenSpan) {
  std::string out;
  append_json_span(full_span(), out);
  EXPECT_EQ(
      out,
      R"({"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"a1a2a3a4a5a6a7a8",)"
      R"("traceState":"rb=1","parentSpanId":"0102030405060708","flags":769,)"
      R"("name":"GET /boards/{id}","kind":2,"startTimeUnixNano":"1700000000000000001",)"
      R"("endTimeUnixNano":"1700000000123456789","attributes":[)"
      R"({"key":"http.response.status_code","value":{"intValue":"200"}},)"
      R"({"key":"big","value":{"intValue":"9007199254740993"}},)"
      R"({"key":"ratio","value":{"doubleValue":0.5}},)"
      R"({"key":"ok","value":{"boolValue":true}},)"
      R"({"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}},)"
      R"({"key":"ints","value":{"arrayValue":{"values":[{"intValue":"-1"},{"intValue":"2"}]}}}],)"
      R"("droppedAttributesCount":2,)"
      R"("events":[{"timeUnixNano":"1700000000000000005","name":"exception","attributes":[)"
      R"({"key":"exception.message","value":{"stringValue":"bad \"input\"\n"}}]}],)"
      R"("links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
      R"("attributes":[{"key":"link.kind","value":{"stringValue":"upgrade"}}],"flags":257}],)"
      R"("status":{"message":"boom","code":2}})");
}

TEST(JsonEncoding, RootSpanHasNoParentAndUnsetStatusIsLeftOut) {
  std::string out;
  append_json_span(make_span(3), out);
  EXPECT_EQ(out.find("parentSpanId"), std::string::npos);
  EXPECT_EQ(out.find("status"), std::string::npos);
  EXPECT_NE(out.find(R"("flags":257)"), std::string::npos);  // sampled, parent not remote
}

TEST(JsonEncoding, EscapesControlCharactersAndRepairsUtf8) {
  std::string out;
  append_json_string(std::string("a\x01\tb\xff"
                                 "c\xc3\xa9",
                                 8),
                     out);
  // The invalid byte becomes U+REPLACEMENT CHARACTER, written as an escape.
  EXPECT_EQ(out,
            "\"a\\u0001\\tb\\ufffd"
            "c\xc3\xa9\"");
}

TEST(JsonEncoding, NonFiniteDoublesAreProto3Strings) {
  SpanData span = make_span(4);
  span.attributes = {{"nan", std::nan("")}, {"inf", -INFINITY}};
  std::string out;
  append_json_span(span, out);
  EXPECT_NE(out.find(R"({"doubleValue":"NaN"})"), std::string::npos);
  EXPECT_NE(out.find(R"({"doubleValue":"-Infinity"})"), std::string::npos);
}

TEST(JsonEncoding, RequestEnvelopeCarriesResourceAndScope) {
  const std::vector<SpanData> spans = {make_span(1)};
  const auto body = encode_json_request(testing::test_resource(), spans);
  EXPECT_TRUE(body.starts_with(
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"test-service"}}]},"scopeSpans":[{"scope":{"name":"realtime-board-telemetry","version":")"))
      << body;
  EXPECT_TRUE(body.ends_with("}]}]}]}"));
}

TEST(ProtoEncoding, MapsEveryField) {
  opentelemetry::proto::trace::v1::Span out;
  to_proto(full_span(), out);
  EXPECT_EQ(out.trace_id().size(), 16u);
  EXPECT_EQ(out.parent_span_id(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(out.flags(), 0x301u);
  EXPECT_EQ(out.kind(), opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(out.start_time_unix_nano(), 1'700'000'000'000'000'001ULL);
  ASSERT_EQ(out.attributes_size(), 6);
  EXPECT_EQ(out.attributes(1).value().int_value(), 9007199254740993);
  EXPECT_EQ(out.attributes(4).value().array_value().values(1).string_value(), "b");
  EXPECT_EQ(out.dropped_attributes_count(), 2u);
  ASSERT_EQ(out.events_size(), 1);
  EXPECT_EQ(out.events(0).time_unix_nano(), 1'700'000'000'000'000'005ULL);
  ASSERT_EQ(out.links_size(), 1);
  EXPECT_EQ(out.links(0).flags(), 0x101u);
  EXPECT_EQ(out.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(out.status().message(), "boom");
}

}  // namespace
}  // namespace telemetry::otlp
