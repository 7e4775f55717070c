// Table-driven cases from the W3C Trace Context rules for `traceparent`: one case
// per way to be valid or invalid, each asserting the named reason.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "telemetry/propagation/traceparent.hpp"

namespace telemetry::propagation {
namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kParentId = "00f067aa0ba902b7";

std::string header(std::string_view version, std::string_view trace_id, std::string_view parent_id,
                   std::string_view flags) {
  return std::string(version) + "-" + std::string(trace_id) + "-" + std::string(parent_id) + "-" +
         std::string(flags);
}
std::string valid(std::string_view flags = "01") {
  return header("00", kTraceId, kParentId, flags);
}

struct Case {
  std::string name;
  std::string input;
  TraceparentError expected;
  int flags = -1;  // when valid: the raw flags expected
  int version = 0;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class TraceparentRules : public ::testing::TestWithParam<Case> {};

TEST_P(TraceparentRules, ParsesOrRejectsWithNamedReason) {
  const Case& c = GetParam();
  Traceparent parsed;
  const TraceparentError error = parse_traceparent(c.input, parsed);
  EXPECT_EQ(to_string(error), to_string(c.expected)) << "input: \"" << c.input << "\"";
  if (c.expected == TraceparentError::none && error == TraceparentError::none) {
    EXPECT_EQ(parsed.trace_id.to_hex(), kTraceId);
    EXPECT_EQ(parsed.parent_id.to_hex(), kParentId);
    EXPECT_EQ(parsed.flags, c.flags);
    EXPECT_EQ(parsed.version, c.version);
  }
}

std::string with_char_at(std::string text, std::size_t at, char c) {
  text[at] = c;
  return text;
}

const Case kCases[] = {
    // Valid version 00.
    {"sampled", valid("01"), TraceparentError::none, 0x01},
    {"not_sampled", valid("00"), TraceparentError::none, 0x00},
    {"sampled_and_random_level2", valid("03"), TraceparentError::none, 0x03},
    {"reserved_flags_parsed_raw", valid("ff"), TraceparentError::none, 0xff},
    {"surrounding_ows_ignored", " \t" + valid() + "\t ", TraceparentError::none, 0x01},
    // Empty and length.
    {"empty", "", TraceparentError::empty},
    {"whitespace_only", " \t ", TraceparentError::empty},
    {"one_character", "0", TraceparentError::wrong_length},
    {"version_only", "00", TraceparentError::wrong_length},
    {"v00_54_characters", valid().substr(0, 54), TraceparentError::wrong_length},
    {"v00_56_characters", valid() + "0", TraceparentError::wrong_length},
    {"v00_extra_field_not_allowed", valid() + "-01", TraceparentError::wrong_length},
    {"v00_trailing_dash", valid() + "-", TraceparentError::wrong_length},
    {"v00_trace_id_31_chars", header("00", kTraceId.substr(1), kParentId, "01"),
     TraceparentError::wrong_length},
    {"v00_parent_id_17_chars", header("00", kTraceId, "0" + std::string(kParentId), "01"),
     TraceparentError::wrong_length},
    // Version.
    {"version_ff_forbidden", header("ff", kTraceId, kParentId, "01"), TraceparentError::version_ff},
    {"version_non_hex", header("0g", kTraceId, kParentId, "01"), TraceparentError::bad_version},
    {"version_uppercase", header("0A", kTraceId, kParentId, "01"), TraceparentError::uppercase_hex},
    {"version_dashes", std::string(55, '-'), TraceparentError::bad_version},
    // Delimiters (shifted fields keep the length at 55).
    {"delimiter_after_version", with_char_at(valid(), 2, '_'), TraceparentError::bad_delimiter},
    {"delimiter_after_trace_id", with_char_at(valid(), 35, '.'), TraceparentError::bad_delimiter},
    {"delimiter_after_parent_id", with_char_at(valid(), 52, ' '), TraceparentError::bad_delimiter},
    {"fields_shifted", header("00", kTraceId.substr(1), "6" + std::string(kParentId), "01"),
     TraceparentError::bad_delimiter},
    // Hex digits.
    {"trace_id_uppercase", header("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kParentId, "01"),
     TraceparentError::uppercase_hex},
    {"parent_id_uppercase", header("00", kTraceId, "00F067AA0BA902B7", "01"),
     TraceparentError::uppercase_hex},
    {"trace_id_non_hex", with_char_at(valid(), 10, 'g'), TraceparentError::non_hex},
    {"parent_id_non_hex", with_char_at(valid(), 40, 'z'), TraceparentError::non_hex},
    {"trace_id_inner_space", with_char_at(valid(), 3, ' '), TraceparentError::non_hex},
    {"trace_id_nul_byte", with_char_at(valid(), 20, '\0'), TraceparentError::non_hex},
    {"parent_id_non_ascii", with_char_at(valid(), 50, '\xff'), TraceparentError::non_hex},
    {"flags_non_hex", valid("0g"), TraceparentError::bad_flags},
    {"flags_space", valid(" 1"), TraceparentError::bad_flags},
    {"flags_uppercase", valid("0A"), TraceparentError::uppercase_hex},
    // All-zero ids.
    {"zero_trace_id", header("00", std::string(32, '0'), kParentId, "01"),
     TraceparentError::zero_trace_id},
    {"zero_parent_id", header("00", kTraceId, std::string(16, '0'), "01"),
     TraceparentError::zero_parent_id},
    // Higher versions: parsed by the first four fields.
    {"future_version_exactly_55", header("cc", kTraceId, kParentId, "01"), TraceparentError::none,
     0x01, 0xcc},
    {"future_version_extra_fields", header("cc", kTraceId, kParentId, "09") + "-what-the-future",
     TraceparentError::none, 0x09, 0xcc},
    {"future_version_trailing_dash", header("01", kTraceId, kParentId, "00") + "-",
     TraceparentError::none, 0x00, 0x01},
    {"version_fe_highest_valid", header("fe", kTraceId, kParentId, "01"), TraceparentError::none,
     0x01, 0xfe},
    {"future_version_suffix_without_dash", header("cc", kTraceId, kParentId, "01") + "x",
     TraceparentError::bad_future_suffix},
    {"future_version_54_characters", header("cc", kTraceId, kParentId, "0"),
     TraceparentError::wrong_length},
    {"future_version_trace_id_non_hex",
     with_char_at(header("cc", kTraceId, kParentId, "01"), 5, 'x'), TraceparentError::non_hex},
    {"future_version_zero_parent_id", header("cc", kTraceId, std::string(16, '0'), "01") + "-x",
     TraceparentError::zero_parent_id},
    {"future_version_bad_delimiter", with_char_at(header("cc", kTraceId, kParentId, "01"), 35, 'a'),
     TraceparentError::bad_delimiter},
};

INSTANTIATE_TEST_SUITE_P(W3C, TraceparentRules, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(FormatTraceparent, WritesVersion00WithLowercaseFields) {
  const auto trace_id = TraceId::from_hex(kTraceId);
  const auto span_id = SpanId::from_hex(kParentId);
  ASSERT_TRUE(trace_id && span_id);
  char out[kTraceparentLength];
  format_traceparent(*trace_id, *span_id, kFlagSampled, out);
  EXPECT_EQ(std::string_view(out, sizeof out), valid("01"));
}

TEST(FormatTraceparent, EncodesEveryHexDigit) {
  SpanContext context;
  context.trace_id = *TraceId::from_hex("0123456789abcdeffedcba9876543210");
  context.span_id = *SpanId::from_hex("f0e1d2c3b4a59687");
  context.flags = kFlagSampled | kFlagRandomTraceId;
  EXPECT_EQ(format_traceparent(context), "00-0123456789abcdeffedcba9876543210-f0e1d2c3b4a59687-03");
}

TEST(ParseTraceparent, DecodesEveryHexDigit) {
  Traceparent parsed;
  ASSERT_EQ(parse_traceparent("00-0123456789abcdeffedcba9876543210-f0e1d2c3b4a59687-1f", parsed),
            TraceparentError::none);
  EXPECT_EQ(parsed.trace_id.to_hex(), "0123456789abcdeffedcba9876543210");
  EXPECT_EQ(parsed.parent_id.to_hex(), "f0e1d2c3b4a59687");
  EXPECT_EQ(parsed.flags, 0x1f);
}

TEST(ParseTraceparent, RejectsEachNonLowercaseHexCharacterInEveryPosition) {
  // Characters just outside the accepted ranges, in each id position, catch
  // off-by-one errors in the word-at-a-time check.
  const std::string base = valid();
  for (const char c : {'/', ':', '`', 'g', 'A', 'F', 'G', '\x80', '\xb0', '\xe6'}) {
    for (std::size_t at = 3; at < 52; ++at) {
      if (at == 35) continue;
      Traceparent parsed;
      const TraceparentError error = parse_traceparent(with_char_at(base, at, c), parsed);
      const bool upper = c == 'A' || c == 'F';
      EXPECT_EQ(error, upper ? TraceparentError::uppercase_hex : TraceparentError::non_hex)
          << "char " << static_cast<int>(static_cast<unsigned char>(c)) << " at " << at;
    }
  }
}

TEST(FormatTraceparent, ClearsReservedFlagBits) {
  SpanContext context;
  context.trace_id = *TraceId::from_hex(kTraceId);
  context.span_id = *SpanId::from_hex(kParentId);
  context.flags = 0xff;
  EXPECT_EQ(format_traceparent(context), valid("03"));
}

TEST(FormatTraceparent, RoundTripsThroughTheParser) {
  SpanContext context;
  context.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  context.span_id = *SpanId::from_hex("b7ad6b7169203331");
  context.flags = kFlagRandomTraceId;
  const std::string text = format_traceparent(context);
  Traceparent parsed;
  ASSERT_EQ(parse_traceparent(text, parsed), TraceparentError::none);
  EXPECT_EQ(parsed.trace_id, context.trace_id);
  EXPECT_EQ(parsed.parent_id, context.span_id);
  EXPECT_EQ(parsed.flags, kFlagRandomTraceId);
}

TEST(TraceparentErrorNames, AreDistinct) {
  EXPECT_EQ(to_string(TraceparentError::bad_future_suffix), "bad_future_suffix");
  EXPECT_NE(to_string(TraceparentError::non_hex), to_string(TraceparentError::uppercase_hex));
}

}  // namespace
}  // namespace telemetry::propagation
