#include "http/utf8.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Utf8Test, WellFormedTextIsValid) {
  EXPECT_TRUE(http::is_valid_utf8(""));
  EXPECT_TRUE(http::is_valid_utf8("plain"));
  EXPECT_TRUE(http::is_valid_utf8("\xc3\xa9 \xe3\x80\x80 \xf0\x9f\x98\x80"));
}

TEST(Utf8Test, MalformedSequencesAreInvalid) {
  for (const char* text :
       {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80"}) {
    EXPECT_FALSE(http::is_valid_utf8(text)) << text;
  }
}

TEST(Utf8Test, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(http::to_valid_utf8("a\xff"
                                "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(http::to_valid_utf8("\xc3\xa9"), "\xc3\xa9");
  EXPECT_TRUE(http::is_valid_utf8(http::to_valid_utf8("\xc3\x28\xe2\x82")));
}

}  // namespace
