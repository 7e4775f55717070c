// Log injection: whatever bytes a value holds, it stays inside its own string on its
// own line, and the JSON stays valid UTF-8 that parsers accept.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "telemetry/logs/json_escape.hpp"

namespace telemetry::logs {
namespace {

std::string json(std::string_view text) {
  std::string out;
  append_json_escaped(out, text);
  return out;
}

std::string pretty(std::string_view text, bool quoted) {
  std::string out;
  append_pretty_escaped(out, text, quoted);
  return out;
}

TEST(JsonEscape, PlainTextIsCopied) {
  EXPECT_EQ(json("GET /api/boards/{id} 200"), "GET /api/boards/{id} 200");
  EXPECT_EQ(json(""), "");
}

TEST(JsonEscape, QuotesBackslashesAndShortForms) {
  EXPECT_EQ(json("say \"hi\" \\o/"), R"(say \"hi\" \\o/)");
  EXPECT_EQ(json("a\nb\rc\td\be\ff"), R"(a\nb\rc\td\be\ff)");
}

TEST(JsonEscape, NewlineCannotForgeASecondLine) {
  const std::string forged = "ok\n{\"level\":\"error\",\"message\":\"forged\"}";
  const std::string escaped = json(forged);
  EXPECT_EQ(escaped.find('\n'), std::string::npos);
  EXPECT_EQ(escaped, R"(ok\n{\"level\":\"error\",\"message\":\"forged\"})");
}

TEST(JsonEscape, OtherControlCharactersBecomeUnicodeEscapes) {
  EXPECT_EQ(json("\x01\x1b[31mred\x7f"), R"(\u0001\u001b[31mred\u007f)");
  EXPECT_EQ(json(std::string("nul\0x", 5)), R"(nul\u0000x)");
  EXPECT_EQ(json("\xc2\x9b"), R"(\u009b)");          // C1 CSI, a terminal escape
  EXPECT_EQ(json("a\xe2\x80\xa8z"), R"(a\u2028z)");  // line separator
  EXPECT_EQ(json("a\xe2\x80\xa9z"), R"(a\u2029z)");  // paragraph separator
}

TEST(JsonEscape, WellFormedUtf8IsKept) {
  EXPECT_EQ(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(JsonEscape, EachInvalidUtf8ByteBecomesReplacementCharacter) {
  EXPECT_EQ(json("a\xff"
                 "b"),
            R"(a\ufffdb)");
  EXPECT_EQ(json("\x80"), R"(\ufffd)");                                // stray continuation
  EXPECT_EQ(json("\xc0\xaf"), R"(\ufffd\ufffd)");                      // overlong '/'
  EXPECT_EQ(json("\xed\xa0\x80"), R"(\ufffd\ufffd\ufffd)");            // surrogate
  EXPECT_EQ(json("\xf4\x90\x80\x80"), R"(\ufffd\ufffd\ufffd\ufffd)");  // above U+10FFFF
  EXPECT_EQ(json("\xe2\x82"), R"(\ufffd\ufffd)");                      // cut short
}

TEST(JsonEscape, EveryByteStringGivesAValidJsonString) {
  // All single bytes and all byte pairs: the escaped text always parses back, and
  // where the input was well-formed UTF-8 it parses back to the same text.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += (a < 0x80 ? 17 : 1)) {
      const std::string input{static_cast<char>(a), static_cast<char>(b)};
      const std::string document = "\"" + json(input) + "\"";
      boost::system::error_code ec;
      const boost::json::value parsed = boost::json::parse(document, ec);
      ASSERT_FALSE(ec) << "bytes " << a << "," << b << " gave " << document;
      ASSERT_EQ(document.find('\n'), std::string::npos);
    }
  }
  boost::json::value parsed = boost::json::parse("\"" + json("x\"\n\\\x01\xc3\xa9") + "\"");
  EXPECT_EQ(parsed.as_string(), "x\"\n\\\x01\xc3\xa9");
}

TEST(PrettyEscape, ControlCharactersAndInvalidBytesAreVisible) {
  EXPECT_EQ(pretty("a\nb\tc\x1b[2J\x7f", false), R"(a\nb\tc\x1b[2J\x7f)");
  EXPECT_EQ(pretty("\xc2\x9b\xe2\x80\xa8", false), R"(\u{9b}\u{2028})");
  EXPECT_EQ(pretty("bad\xff", false), R"(bad\xff)");
}

TEST(PrettyEscape, QuotesAndBackslashesOnlyEscapedInsideQuotes) {
  EXPECT_EQ(pretty(R"(C:\dir "x")", false), R"(C:\dir "x")");
  EXPECT_EQ(pretty(R"(C:\dir "x")", true), R"(C:\\dir \"x\")");
}

TEST(PrettyEscape, QuotingDecision) {
  EXPECT_FALSE(pretty_needs_quotes("/api/boards/7"));
  EXPECT_FALSE(pretty_needs_quotes("caf\xc3\xa9"));
  EXPECT_TRUE(pretty_needs_quotes(""));
  EXPECT_TRUE(pretty_needs_quotes("two words"));
  EXPECT_TRUE(pretty_needs_quotes("a=b"));
  EXPECT_TRUE(pretty_needs_quotes("a\nb"));
  EXPECT_TRUE(pretty_needs_quotes("bad\xff"));
}

TEST(Truncate, ShortTextIsUntouched) {
  const Truncated t = truncate_utf8("hello", 5);
  EXPECT_EQ(t.kept, "hello");
  EXPECT_EQ(t.cut_bytes, 0u);
}

TEST(Truncate, LongTextIsCutAndCounted) {
  const Truncated t = truncate_utf8("abcdefghijklmnopqrstuvwxyz", 16);
  EXPECT_EQ(t.kept, "abcdefghijklmnop");
  EXPECT_EQ(t.cut_bytes, 10u);
  std::string marker;
  append_truncation_marker(marker, t.cut_bytes);
  EXPECT_EQ(marker, "\xe2\x80\xa6[truncated 10 bytes]");
}

TEST(Truncate, NeverSplitsAMultiByteCharacter) {
  const std::string text = std::string(15, 'a') + "\xe2\x82\xac" + "tail";  // 15 + 3 + 4
  const Truncated t = truncate_utf8(text, 16);
  EXPECT_EQ(t.kept, std::string(15, 'a'));
  EXPECT_EQ(t.cut_bytes, 7u);
}

}  // namespace
}  // namespace telemetry::logs
