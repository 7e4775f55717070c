#include "app/connection_cap.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

std::size_t cap_or_zero(std::size_t requested, std::uint64_t limit, unsigned db_threads) {
  const auto cap = app::connection_cap(requested, limit, db_threads);
  const auto* value = std::get_if<std::size_t>(&cap);
  return value == nullptr ? 0 : *value;
}

TEST(ConnectionCapTest, DefaultIsTheLimitMinusTheReserve) {
  EXPECT_EQ(app::descriptor_reserve(2), 38u);
  EXPECT_EQ(cap_or_zero(0, 1024, 2), 1024u - 38u);
}

TEST(ConnectionCapTest, RequestedCapWithinTheLimitIsKept) {
  EXPECT_EQ(cap_or_zero(500, 1024, 2), 500u);
  EXPECT_EQ(cap_or_zero(986, 1024, 2), 986u);
}

TEST(ConnectionCapTest, RequestedCapAboveTheLimitIsRefusedSayingTheMost) {
  const auto cap = app::connection_cap(987, 1024, 2);
  const auto* refusal = std::get_if<std::string>(&cap);
  ASSERT_NE(refusal, nullptr);
  EXPECT_NE(refusal->find("BOARD_MAX_CONNECTIONS"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("at most 986"), std::string::npos) << *refusal;
}

TEST(ConnectionCapTest, LimitWithNoRoomForConnectionsIsRefused) {
  EXPECT_TRUE(std::holds_alternative<std::string>(app::connection_cap(0, 38, 2)));
  EXPECT_TRUE(std::holds_alternative<std::string>(app::connection_cap(0, 10, 2)));
}

TEST(ConnectionCapTest, UnlimitedDescriptorsStillGiveAFiniteCap) {
  EXPECT_EQ(cap_or_zero(0, std::numeric_limits<std::uint64_t>::max(), 2), 1'000'000u);
}

}  // namespace
