// extract(): what the service does with the trace headers of an incoming request.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/propagation/trace_context.hpp"

namespace telemetry::propagation {
namespace {

constexpr std::string_view kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr std::string_view kLegacyTraceId = "0af7651916cd43dd8448eb211c80319c";

struct Headers {
  std::vector<std::string_view> traceparent;
  std::vector<std::string_view> tracestate;
  std::vector<std::string_view> x_trace_id;

  Extracted extract() const {
    return propagation::extract(IncomingTraceHeaders{traceparent, tracestate, x_trace_id});
  }
};

TEST(Extract, ValidTraceparentContinuesItsTrace) {
  const Extracted result = Headers{{kTraceparent}, {"congo=t61rcWkgMzE"}, {}}.extract();
  EXPECT_EQ(result.traceparent_error, TraceparentError::none);
  EXPECT_TRUE(result.from_traceparent);
  EXPECT_FALSE(result.from_x_trace_id);
  EXPECT_TRUE(result.continues_trace());
  EXPECT_TRUE(result.parent.valid());
  EXPECT_TRUE(result.parent.remote);
  EXPECT_TRUE(result.parent.sampled());
  EXPECT_EQ(result.parent.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(result.parent.span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_EQ(result.parent.trace_state, "congo=t61rcWkgMzE");
}

TEST(Extract, UnsampledFlagIsHonoured) {
  const Extracted result =
      Headers{{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}, {}, {}}.extract();
  ASSERT_TRUE(result.from_traceparent);
  EXPECT_FALSE(result.parent.sampled());
}

TEST(Extract, RandomFlagKeptReservedBitsDropped) {
  const Extracted result =
      Headers{{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"}, {}, {}}.extract();
  ASSERT_TRUE(result.from_traceparent);
  EXPECT_EQ(result.parent.flags, kFlagSampled | kFlagRandomTraceId);
}

// A higher version is continued with the flags we know (sampled, random trace id)
// as received; only the bits unknown to us are cleared.
TEST(Extract, HigherVersionKeepsTheKnownFlags) {
  const Extracted result = Headers{
      {"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-future"},
      {"a=1"},
      {}}.extract();
  ASSERT_TRUE(result.from_traceparent);
  EXPECT_EQ(result.parent.flags, kFlagSampled | kFlagRandomTraceId);
  EXPECT_EQ(result.parent.trace_state, "a=1");
}

TEST(Extract, HigherVersionRandomFlagWithoutSampled) {
  const Extracted result =
      Headers{{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02-x-y"}, {}, {}}.extract();
  ASSERT_TRUE(result.from_traceparent);
  EXPECT_EQ(result.parent.flags, kFlagRandomTraceId);
  EXPECT_FALSE(result.parent.sampled());
}

TEST(Extract, DuplicateTracestateKeysContinueWithTheFirstMember) {
  const Extracted result = Headers{{kTraceparent}, {"foo=1,bar=2", "foo=3"}, {}}.extract();
  EXPECT_TRUE(result.from_traceparent);
  EXPECT_EQ(result.tracestate_error, TracestateError::none);
  EXPECT_EQ(result.parent.trace_state, "foo=1,bar=2");
}

TEST(Extract, CombinesSeveralTracestateHeadersInOrder) {
  const Extracted result = Headers{{kTraceparent}, {"rojo=1", "congo=2, a=3"}, {}}.extract();
  EXPECT_EQ(result.parent.trace_state, "rojo=1,congo=2,a=3");
}

TEST(Extract, InvalidTracestateIsDiscardedButTheTraceContinues) {
  const Extracted result = Headers{{kTraceparent}, {"rojo=1", "Congo=2"}, {}}.extract();
  EXPECT_TRUE(result.from_traceparent);
  EXPECT_EQ(to_string(result.tracestate_error), "bad_key");
  EXPECT_EQ(result.parent.trace_state, "");
  EXPECT_EQ(result.parent.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Extract, InvalidTraceparentStartsANewTraceAndIgnoresTracestate) {
  const Extracted result = Headers{
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"},
      {"congo=1"},
      {}}.extract();
  EXPECT_EQ(to_string(result.traceparent_error), "zero_parent_id");
  EXPECT_FALSE(result.continues_trace());
  EXPECT_FALSE(result.parent.trace_id.valid());
  EXPECT_FALSE(result.parent.remote);
  EXPECT_EQ(result.parent.trace_state, "");
}

TEST(Extract, SeveralTraceparentHeadersAreInvalid) {
  const Extracted result = Headers{{kTraceparent, kTraceparent}, {"congo=1"}, {}}.extract();
  EXPECT_EQ(to_string(result.traceparent_error), "multiple_headers");
  EXPECT_FALSE(result.continues_trace());
  EXPECT_EQ(result.parent.trace_state, "");
}

TEST(Extract, NoHeadersMeansANewTrace) {
  const Extracted result = Headers{}.extract();
  EXPECT_EQ(result.traceparent_error, TraceparentError::absent);
  EXPECT_FALSE(result.continues_trace());
  EXPECT_FALSE(result.parent.valid());
  EXPECT_FALSE(result.parent.remote);
}

TEST(Extract, LegacyXTraceIdContinuesTheTraceIdWithoutParentSpan) {
  const Extracted result = Headers{{}, {"congo=1"}, {kLegacyTraceId}}.extract();
  EXPECT_TRUE(result.from_x_trace_id);
  EXPECT_FALSE(result.from_traceparent);
  EXPECT_TRUE(result.continues_trace());
  EXPECT_EQ(result.parent.trace_id.to_hex(), kLegacyTraceId);
  EXPECT_FALSE(result.parent.span_id.valid()) << "no parent span: a new root in that trace";
  EXPECT_FALSE(result.parent.valid());
  EXPECT_EQ(result.parent.flags, 0);
  EXPECT_EQ(result.parent.trace_state, "") << "tracestate needs a valid traceparent";
}

TEST(Extract, LegacyXTraceIdAfterAnInvalidTraceparent) {
  const Extracted result = Headers{{"garbage"}, {}, {kLegacyTraceId}}.extract();
  EXPECT_EQ(to_string(result.traceparent_error), "bad_version");
  EXPECT_TRUE(result.from_x_trace_id);
  EXPECT_EQ(result.parent.trace_id.to_hex(), kLegacyTraceId);
}

TEST(Extract, LegacyXTraceIdUppercaseIsNormalised) {
  const Extracted result = Headers{{}, {}, {"0AF7651916CD43DD8448EB211C80319C"}}.extract();
  EXPECT_TRUE(result.from_x_trace_id);
  EXPECT_EQ(result.parent.trace_id.to_hex(), kLegacyTraceId);
}

TEST(Extract, InvalidLegacyXTraceIdsAreIgnored) {
  for (std::string_view bad :
       {"00000000000000000000000000000000", "0af7651916cd43dd8448eb211c80319",
        "0af7651916cd43dd8448eb211c80319c0", "0af7651916cd43dd8448eb211c80319g",
        "0af76519-16cd-43dd-8448-eb211c80319c", ""}) {
    const Extracted result = Headers{{}, {}, {bad}}.extract();
    EXPECT_FALSE(result.continues_trace()) << bad;
  }
  const Extracted twice = Headers{{}, {}, {kLegacyTraceId, kLegacyTraceId}}.extract();
  EXPECT_FALSE(twice.continues_trace()) << "several x-trace-id values are ambiguous";
}

TEST(Extract, TraceparentWinsOverXTraceId) {
  const Extracted result = Headers{{kTraceparent}, {}, {kLegacyTraceId}}.extract();
  EXPECT_TRUE(result.from_traceparent);
  EXPECT_FALSE(result.from_x_trace_id);
  EXPECT_EQ(result.parent.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Extract, ConvenienceOverloadTreatsEmptyAsAbsent) {
  const std::vector<std::string_view> states{"a=1"};
  const Extracted valid = extract(kTraceparent, states, "");
  EXPECT_TRUE(valid.from_traceparent);
  EXPECT_EQ(valid.parent.trace_state, "a=1");
  const Extracted legacy = extract("", states, kLegacyTraceId);
  EXPECT_EQ(legacy.traceparent_error, TraceparentError::absent);
  EXPECT_TRUE(legacy.from_x_trace_id);
}

TEST(Extract, OutgoingTraceparentKeepsTheTraceWithOurSpan) {
  Extracted result = Headers{{kTraceparent}, {}, {}}.extract();
  SpanContext server = result.parent;
  server.span_id = *SpanId::from_hex("b7ad6b7169203331");
  EXPECT_EQ(format_traceparent(server), "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
}

}  // namespace
}  // namespace telemetry::propagation
