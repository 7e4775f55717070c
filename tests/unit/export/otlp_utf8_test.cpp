// UTF-8 validation of OTLP strings: ASCII is checked 8 bytes at a time, so every edge
// of that fast path (lengths around 8, the first non-ASCII byte at each position of a
// word and of the tail, a sequence straddling a word boundary) must give the same
// answer as the byte-by-byte grammar.

#include <gtest/gtest.h>

#include <string>

#include "telemetry/export/otlp_utf8.hpp"

namespace telemetry::otlp {
namespace {

TEST(OtlpUtf8, EmptyAndAsciiOfEveryLengthAroundTheWordSizeAreValid) {
  EXPECT_TRUE(is_valid_utf8(""));
  for (std::size_t n = 1; n <= 33; ++n) {
    std::string text(n, 'a');
    text.back() = '\x7f';  // the highest ASCII byte
    EXPECT_TRUE(is_valid_utf8(text)) << n;
  }
}

TEST(OtlpUtf8, InvalidByteIsFoundAtEveryPosition) {
  // A lone continuation byte (0x80) and a byte that never appears in UTF-8 (0xFF),
  // at each offset: inside the first words, in the tail, as the very last byte.
  for (const char bad : {'\x80', '\xff', '\xc0'}) {
    for (std::size_t length = 1; length <= 24; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'x');
        text[at] = bad;
        EXPECT_FALSE(is_valid_utf8(text))
            << "byte " << int(static_cast<unsigned char>(bad)) << " at " << at << " of " << length;
      }
    }
  }
}

TEST(OtlpUtf8, MultiByteSequenceAtEveryOffsetIncludingAcrossAWordBoundary) {
  for (const std::string seq : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
    for (std::size_t before = 0; before <= 17; ++before) {
      const std::string text = std::string(before, 'b') + seq + std::string(9, 'a');
      EXPECT_TRUE(is_valid_utf8(text))
          << before << " bytes before a " << seq.size() << "-byte char";
      // Cut off the sequence's last byte: the word holding its lead must not be
      // treated as ASCII, nor the truncated tail.
      const std::string cut = std::string(before, 'b') + seq.substr(0, seq.size() - 1);
      EXPECT_FALSE(is_valid_utf8(cut)) << before;
    }
  }
}

TEST(OtlpUtf8, AsciiAfterTheFirstNonAsciiByteIsStillChecked) {
  // After a valid multi-byte char, a later invalid byte is still caught (the fast path
  // only covers the prefix).
  EXPECT_TRUE(is_valid_utf8("abcdefgh\xc3\xa9ijklmnopqrstuvwxyz"));
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xc3\xa9ijklmnopqrstuvwxyz\x80"));
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xc3\xa9ijklmnop\xedqrstuvwxyz"));
}

TEST(OtlpUtf8, GrammarRejectsOverlongsSurrogatesAndCodePointsAboveTheMaximum) {
  const std::string pad(8, 'p');                          // past the fast path's first word
  EXPECT_FALSE(is_valid_utf8(pad + "\xc1\xbf"));          // overlong 2-byte
  EXPECT_FALSE(is_valid_utf8(pad + "\xe0\x9f\xbf"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8(pad + "\xed\xa0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(is_valid_utf8(pad + "\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8(pad + "\xf0\x8f\xbf\xbf"));  // overlong 4-byte
  EXPECT_TRUE(is_valid_utf8(pad + "\xed\x9f\xbf"));       // U+D7FF
  EXPECT_TRUE(is_valid_utf8(pad + "\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(pad + "\xef\xbf\xbd"));       // U+FFFD
}

TEST(OtlpUtf8, EmbeddedNulIsValidAscii) {
  EXPECT_TRUE(is_valid_utf8(std::string("abc\0defghij\0", 12)));
}

TEST(OtlpUtf8, RepairReplacesEachInvalidByteAndKeepsTheRest) {
  EXPECT_EQ(to_valid_utf8("abcdefgh\xffij\xc3\xa9"), "abcdefgh\xef\xbf\xbdij\xc3\xa9");
  EXPECT_EQ(to_valid_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace telemetry::otlp
