#include <gtest/gtest.h>
#include <cstdio>
#include <ctime>

#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/errors.hpp"

namespace domain {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1795562415123), "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(4107542399999), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(4107542400000), "2100-03-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(-30610224000000), "1000-01-01T00:00:00.000Z");
}

// Every day from 1900 to 2200 and a spread of times of day read as the C library
// reads them.
TEST(Clock, FormatsRfc3339AsTheCLibraryDoes) {
  for (std::int64_t day = -25567; day <= 84006; day += 1) {
    const std::int64_t millis = day * 86400000 + (day * 7919 % 86400000 + 86400000) % 86400000;
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000 - (millis % 1000 < 0));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char expected[40];
    const std::size_t n = std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(expected + n, sizeof expected - n, ".%03dZ",
                  static_cast<int>((millis % 1000 + 1000) % 1000));
    ASSERT_EQ(format_rfc3339(millis), expected) << millis;
  }
}

TEST(Roles, RoundTripAndOrderByPrivilege) {
  for (Role role : {Role::viewer, Role::editor, Role::owner}) {
    EXPECT_EQ(parse_role(to_string(role)), role);
  }
  EXPECT_FALSE(parse_role("admin"));
  EXPECT_LT(Role::viewer, Role::editor);
  EXPECT_LT(Role::editor, Role::owner);
}

TEST(ElementKinds, RoundTrip) {
  for (const char* name : {"sticky_note", "rectangle", "ellipse", "text", "line", "freehand"}) {
    const auto kind = parse_element_kind(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_EQ(to_string(*kind), name);
  }
  EXPECT_FALSE(parse_element_kind("triangle"));
}

TEST(DomainErrors, CodesAreStableStrings) {
  EXPECT_EQ(to_string(ErrorCode::validation_failed), "validation_failed");
  EXPECT_EQ(to_string(ErrorCode::unauthorized), "unauthorized");
  EXPECT_EQ(to_string(ErrorCode::forbidden), "forbidden");
  EXPECT_EQ(to_string(ErrorCode::not_found), "not_found");
  EXPECT_EQ(to_string(ErrorCode::version_conflict), "version_conflict");
  EXPECT_EQ(to_string(ErrorCode::username_taken), "username_taken");
  EXPECT_EQ(to_string(ErrorCode::conflict), "conflict");
}

TEST(DomainErrors, VersionConflictCarriesTheCurrentElementThroughCopies) {
  Element current;
  current.id = 12;
  current.version = 5;
  current.text = "latest";
  const DomainError error = DomainError::version_conflict(current);
  const DomainError copy = error;  // what `throw` does
  ASSERT_NE(copy.current_element(), nullptr);
  EXPECT_EQ(copy.current_element()->version, 5);
  EXPECT_EQ(copy.current_element()->text, "latest");
  EXPECT_EQ(copy.code(), ErrorCode::version_conflict);
  EXPECT_EQ(DomainError::not_found("board not found").current_element(), nullptr);
}

}  // namespace
}  // namespace domain
