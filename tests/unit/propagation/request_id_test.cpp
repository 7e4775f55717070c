// x-request-id: which incoming ids are kept, and what new ids look like.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "telemetry/propagation/request_id.hpp"

namespace telemetry::propagation {
namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void expect_uuid_v4(const std::string& id) {
  ASSERT_EQ(id.size(), kUuidLength) << id;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE(is_lower_hex(id[i])) << id;
    }
  }
  EXPECT_EQ(id[14], '4') << "version 4: " << id;
  EXPECT_NE(std::string_view("89ab").find(id[19]), std::string_view::npos) << "variant: " << id;
}

TEST(RequestId, AcceptsTheAllowedAlphabet) {
  EXPECT_TRUE(is_valid_request_id("a"));
  EXPECT_TRUE(is_valid_request_id("req-42"));
  EXPECT_TRUE(is_valid_request_id("01ARZ3NDEKTSV4RRFFQ69G5FAV"));  // ULID
  EXPECT_TRUE(is_valid_request_id("9b2c3d4e-aaaa-4bbb-8ccc-0123456789ab"));
  EXPECT_TRUE(is_valid_request_id("gw.east:1_2-3"));
  EXPECT_TRUE(
      is_valid_request_id("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-"));
  EXPECT_TRUE(is_valid_request_id(std::string(128, 'x')));
}

TEST(RequestId, RejectsEverythingElse) {
  EXPECT_FALSE(is_valid_request_id(""));
  EXPECT_FALSE(is_valid_request_id(std::string(129, 'x')));
  for (std::string_view bad : {"a b", "a/b", "a\"b", "a\nb", "a\rb", "a\tb", "a,b", "a;b", "a=b",
                               "a{b}", "caf\xc3\xa9", "a\\b", "<script>"}) {
    EXPECT_FALSE(is_valid_request_id(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_request_id(std::string_view("a\0b", 3)));
}

TEST(RequestId, NewIdsAreLowercaseUuidV4AndPassTheirOwnCheck) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_request_id();
    expect_uuid_v4(id);
    EXPECT_TRUE(is_valid_request_id(id));
  }
}

TEST(RequestId, NewIdsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(new_request_id());
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(RequestId, ThreadsGetDifferentStreams) {
  std::vector<std::string> first(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&first, t] { first[t] = new_request_id(); });
  }
  for (auto& thread : threads) thread.join();
  const std::set<std::string> distinct(first.begin(), first.end());
  EXPECT_EQ(distinct.size(), first.size());
}

TEST(RequestId, ResolveKeepsASingleValidIncomingId) {
  const std::vector<std::string_view> incoming{"client-abc.123"};
  EXPECT_EQ(resolve_request_id(incoming), "client-abc.123");
}

TEST(RequestId, ResolveReplacesInvalidMissingOrRepeatedIds) {
  const std::string long_id(129, 'a');
  const std::vector<std::string_view> invalid{"has space"};
  const std::vector<std::string_view> too_long{long_id};
  const std::vector<std::string_view> none{};
  const std::vector<std::string_view> two{"a", "b"};
  for (const auto* values : {&invalid, &too_long, &none, &two}) {
    const std::string id = resolve_request_id(*values);
    expect_uuid_v4(id);
  }
}

}  // namespace
}  // namespace telemetry::propagation
