#include <gtest/gtest.h>

#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/errors.hpp"

namespace domain {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1795562415123), "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
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
