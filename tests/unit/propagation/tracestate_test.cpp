// Table-driven cases from the W3C Trace Context rules for `tracestate` (Level 2
// key grammar): list syntax, member limits, key and value grammar, combining
// several headers, and cutting a long list by whole members.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/propagation/tracestate.hpp"

namespace telemetry::propagation {
namespace {

struct Case {
  std::string name;
  std::vector<std::string> headers;
  TracestateError expected;
  std::string outgoing{};  // when valid
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::optional<std::string> parse(const std::vector<std::string>& headers, TracestateError* error) {
  const std::vector<std::string_view> views(headers.begin(), headers.end());
  return parse_tracestate(views, error);
}

// "k0=v,k1=v,...": `count` members named with `prefix`.
std::string members(std::size_t count, std::string_view prefix = "k") {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) out += ',';
    out += std::string(prefix) + std::to_string(i) + "=v";
  }
  return out;
}

// A member exactly `length` characters long: "<key>=xxxx...".
std::string member_of_length(std::string_view key, std::size_t length) {
  return std::string(key) + "=" + std::string(length - key.size() - 1, 'x');
}

const std::string kPrintable = "!\"#$%&'()*+-./0123456789:;<>?@ABCXYZ[\\]^_`abcxyz{|}~";

class TracestateRules : public ::testing::TestWithParam<Case> {};

TEST_P(TracestateRules, ValidatesWithNamedReason) {
  const Case& c = GetParam();
  TracestateError error = TracestateError::none;
  const std::optional<std::string> result = parse(c.headers, &error);
  EXPECT_EQ(to_string(error), to_string(c.expected));
  if (c.expected == TracestateError::none) {
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, c.outgoing);
  } else {
    EXPECT_FALSE(result.has_value()) << "an invalid tracestate must be discarded whole";
  }
}

const Case kCases[] = {
    // List syntax.
    {"single_member", {"rojo=00f067aa0ba902b7"}, TracestateError::none, "rojo=00f067aa0ba902b7"},
    {"order_kept",
     {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
     TracestateError::none,
     "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
    {"ows_around_members_dropped",
     {" rojo=1 ,\t congo=2\t"},
     TracestateError::none,
     "rojo=1,congo=2"},
    {"empty_header_accepted", {""}, TracestateError::none, ""},
    {"whitespace_only_header_accepted", {" \t "}, TracestateError::none, ""},
    {"empty_members_dropped", {"a=1,, \t ,b=2,"}, TracestateError::none, "a=1,b=2"},
    {"headers_combined_in_order", {"a=1", "b=2,c=3"}, TracestateError::none, "a=1,b=2,c=3"},
    {"empty_header_among_others", {"a=1", "", " ", "b=2"}, TracestateError::none, "a=1,b=2"},
    {"missing_equals", {"rojo"}, TracestateError::missing_equals},
    {"one_bad_member_discards_all", {"a=1,b=2,c"}, TracestateError::missing_equals},
    // Keys (Level 2: ( lcalpha / DIGIT ) 0*255( keychar ), keychar adds _ - * / @).
    {"key_multi_tenant", {"fw529a3039@dt=abc"}, TracestateError::none, "fw529a3039@dt=abc"},
    {"key_starts_with_digit", {"1congo=x"}, TracestateError::none, "1congo=x"},
    {"key_all_keychars", {"a0_-*/@z=x"}, TracestateError::none, "a0_-*/@z=x"},
    {"key_two_at_signs", {"a@b@c=x"}, TracestateError::none, "a@b@c=x"},
    {"key_256_characters",
     {std::string(256, 'k') + "=v"},
     TracestateError::none,
     std::string(256, 'k') + "=v"},
    {"key_257_characters", {std::string(257, 'k') + "=v"}, TracestateError::key_too_long},
    {"key_uppercase", {"Rojo=1"}, TracestateError::bad_key},
    {"key_starts_with_underscore", {"_rojo=1"}, TracestateError::bad_key},
    {"key_starts_with_at", {"@rojo=1"}, TracestateError::bad_key},
    {"key_with_dot", {"ro.jo=1"}, TracestateError::bad_key},
    {"key_empty", {"=1"}, TracestateError::bad_key},
    {"key_inner_space", {"ro jo=1"}, TracestateError::bad_key},
    {"key_space_before_equals", {"rojo =1"}, TracestateError::bad_key},
    {"bad_key_in_second_header", {"a=1", "B=2"}, TracestateError::bad_key},
    // Values: 1 to 256 printable ASCII characters but ',' and '=', not ending in a space.
    {"value_all_printable", {"a=" + kPrintable}, TracestateError::none, "a=" + kPrintable},
    {"value_inner_space", {"a=x y"}, TracestateError::none, "a=x y"},
    {"value_leading_space_kept", {"a= x"}, TracestateError::none, "a= x"},
    {"value_trailing_space_is_ows", {"a=x  ,b=y"}, TracestateError::none, "a=x,b=y"},
    {"value_256_characters",
     {"a=" + std::string(256, 'v')},
     TracestateError::none,
     "a=" + std::string(256, 'v')},
    {"value_257_characters", {"a=" + std::string(257, 'v')}, TracestateError::value_too_long},
    {"value_empty", {"a="}, TracestateError::bad_value},
    {"value_only_spaces", {"a=   "}, TracestateError::bad_value},
    {"value_with_equals", {"a=b=c"}, TracestateError::bad_value},
    {"value_with_tab", {"a=x\ty"}, TracestateError::bad_value},
    {"value_non_ascii", {"a=caf\xc3\xa9"}, TracestateError::bad_value},
    {"value_with_del", {"a=x\x7fy"}, TracestateError::bad_value},
    {"value_with_newline", {"a=x\ny"}, TracestateError::bad_value},
    // Duplicate keys: the list stays valid and the first (leftmost) member is carried.
    {"duplicate_key_equal_values", {"foo=1,foo=1"}, TracestateError::none, "foo=1"},
    {"duplicate_key_first_kept", {"a=1,b=2,a=3"}, TracestateError::none, "a=1,b=2"},
    {"duplicate_key_across_headers_equal", {"foo=1", "foo=1"}, TracestateError::none, "foo=1"},
    {"duplicate_key_across_headers", {"a=1", "a=2"}, TracestateError::none, "a=1"},
    {"duplicate_still_checked", {"a=1,a=B=2"}, TracestateError::bad_value},
    {"members_32_with_a_duplicate", {members(31) + ",k0=w"}, TracestateError::none, members(31)},
    {"members_33_with_a_duplicate", {members(32) + ",k0=w"}, TracestateError::too_many_members},
    // Member count.
    {"members_32", {members(32)}, TracestateError::none, members(32)},
    {"members_33", {members(33)}, TracestateError::too_many_members},
    {"members_32_with_empty_members",
     {members(16) + ",, ,", members(16, "j")},
     TracestateError::none,
     members(16) + "," + members(16, "j")},
    {"members_33_across_headers",
     {members(17), members(16, "j")},
     TracestateError::too_many_members},
};

INSTANTIATE_TEST_SUITE_P(W3C, TracestateRules, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// Cutting to the propagated limit (512 characters of the outgoing form).

TEST(TracestateLimits, ExactlyTheLimitIsKeptWhole) {
  // 255 + ',' + 256 = 512 characters.
  const std::string a = member_of_length("a", 255);
  const std::string b = member_of_length("b", 256);
  const std::string header = a + "," + b;
  ASSERT_EQ(header.size(), 512u);
  TracestateError error;
  const auto result = parse_tracestate(header, &error);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, header);
}

TEST(TracestateLimits, LongMembersAreRemovedFirst) {
  const std::string small1 = member_of_length("s1", 100);
  const std::string long1 = member_of_length("l1", 200);
  const std::string small2 = member_of_length("s2", 100);
  const std::string small3 = member_of_length("s3", 100);
  const std::string small4 = member_of_length("s4", 100);
  const std::string header = small1 + "," + long1 + "," + small2 + "," + small3 + "," + small4;
  ASSERT_GT(header.size(), kTracestateMaxPropagatedLength);
  const auto result = parse_tracestate(header);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, small1 + "," + small2 + "," + small3 + "," + small4);
}

TEST(TracestateLimits, OnlyAsManyLongMembersAsNeededRightmostFirst) {
  const std::string long1 = member_of_length("l1", 200);
  const std::string long2 = member_of_length("l2", 200);
  const std::string small = member_of_length("s", 120);
  const std::string header = long1 + "," + small + "," + long2;  // 522 characters
  ASSERT_GT(header.size(), kTracestateMaxPropagatedLength);
  const auto result = parse_tracestate(header);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, long1 + "," + small);
}

TEST(TracestateLimits, ThenMembersAreRemovedFromTheEnd) {
  std::vector<std::string> all;
  std::string header;
  for (int i = 0; i < 8; ++i) {
    all.push_back(member_of_length("m" + std::to_string(i), 100));
    header += (i == 0 ? "" : ",") + all.back();
  }
  const auto result = parse_tracestate(header);
  ASSERT_TRUE(result);
  // Five members of 100 plus four commas fit in 512; a sixth would not.
  EXPECT_EQ(*result, all[0] + "," + all[1] + "," + all[2] + "," + all[3] + "," + all[4]);
  EXPECT_LE(result->size(), kTracestateMaxPropagatedLength);
}

TEST(TracestateLimits, WhitespaceDoesNotCountAgainstTheLimit) {
  const std::string a = member_of_length("a", 255);
  const std::string b = member_of_length("b", 256);
  const std::string header = "   " + a + " \t , \t " + b + "   ";
  const auto result = parse_tracestate(header);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, a + "," + b);
}

TEST(TracestateErrors, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(parse_tracestate("A=1").has_value());
  EXPECT_EQ(parse_tracestate("a=1").value_or("?"), "a=1");
}

}  // namespace
}  // namespace telemetry::propagation
