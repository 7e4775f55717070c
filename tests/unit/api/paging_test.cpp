// Cursors: what a page gives out, the next request reads back, and nothing else.
#include "api/paging.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace {

using api::decode_cursor;
using api::encode_cursor;
using api::List;
using domain::SortKey;

TEST(Cursor, RoundTripsItsKey) {
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  for (const SortKey key : {SortKey{0, 0}, SortKey{-5, 17}, SortKey{min, max}}) {
    for (const List list : {List::boards, List::members, List::elements}) {
      EXPECT_EQ(decode_cursor(list, encode_cursor(list, key)), key);
    }
  }
}

TEST(Cursor, IsOpaqueText) {
  const std::string cursor = encode_cursor(List::elements, {3, 41});
  EXPECT_EQ(cursor.find_first_not_of("0123456789abcdef"), std::string::npos) << cursor;
  EXPECT_EQ(cursor.find("41"), std::string::npos) << cursor;
}

TEST(Cursor, AnotherListsCursorIsRefused) {
  EXPECT_EQ(decode_cursor(List::elements, encode_cursor(List::boards, {3, 0})), std::nullopt);
  EXPECT_EQ(decode_cursor(List::members, encode_cursor(List::elements, {3, 4})), std::nullopt);
}

TEST(Cursor, AnythingElseIsRefused) {
  EXPECT_EQ(decode_cursor(List::elements, "653a313a32"), (SortKey{1, 2}));  // "e:1:2"
  // Empty, odd length, not hex, "e", "e:1:", "e::", "e:1:2:3", "e:xy:1", upper case.
  for (const std::string_view bad : {"", "0", "zz", "65", "653a313a", "653a3a", "653a313a323a33",
                                     "653a78793a31", "653A313A32"}) {
    EXPECT_EQ(decode_cursor(List::elements, bad), std::nullopt) << bad;
  }
  EXPECT_EQ(decode_cursor(List::elements, std::string(200, 'a')), std::nullopt);
}

TEST(PageLimits, DefaultsSuitEachList) {
  EXPECT_EQ(api::default_page_limit(List::boards), 20);
  EXPECT_EQ(api::default_page_limit(List::members), 100);
  EXPECT_EQ(api::default_page_limit(List::elements), 100);
}

}  // namespace
