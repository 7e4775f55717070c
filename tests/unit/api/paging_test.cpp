// Cursors: what a page gives out, the next request reads back, and nothing else.
#include "api/paging.hpp"

#include "http/error.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <limits>
#include <string>
#include <vector>

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

namespace query {

// The fields of the 422 that read_page throws for `query`; empty if it throws none.
std::vector<std::string> rejected_fields(std::string_view query, List list) {
  http::RawRequest raw{boost::beast::http::verb::get, "/api/boards", 11};
  const http::Request request{raw, "/api/boards", query, "/api/boards", {}, "127.0.0.1"};
  std::vector<std::string> fields;
  try {
    api::read_page(request, list);
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.code(), "validation_failed");
    for (const auto& detail : error.details().as_array()) {
      fields.emplace_back(detail.at("field").as_string());
    }
  }
  return fields;
}

using Fields = std::vector<std::string>;

TEST(ReadPage, TakesLimitAndCursor) {
  http::RawRequest raw{boost::beast::http::verb::get, "/api/boards", 11};
  const std::string query = "limit=7&cursor=" + encode_cursor(List::members, {5, 6});
  const http::Request request{raw, "/api/boards", query, "/api/boards", {}, "127.0.0.1"};
  const domain::Page page = api::read_page(request, List::members);
  EXPECT_EQ(page.limit, 7);
  EXPECT_EQ(page.after, (SortKey{5, 6}));
  EXPECT_EQ(rejected_fields("", List::boards), Fields{});
}

TEST(ReadPage, RefusesBadLimitsCursorsAndOffset) {
  EXPECT_EQ(rejected_fields("limit=x", List::boards), Fields{"limit"});
  EXPECT_EQ(rejected_fields("cursor=00", List::boards), Fields{"cursor"});
  EXPECT_EQ(rejected_fields("cursor=" + encode_cursor(List::boards, {1, 0}), List::elements),
            Fields{"cursor"});
  EXPECT_EQ(rejected_fields("offset=20", List::boards), Fields{"offset"});
  EXPECT_EQ(rejected_fields("limit=&cursor=&offset=0", List::members),
            (Fields{"limit", "cursor", "offset"}));
}

}  // namespace query
