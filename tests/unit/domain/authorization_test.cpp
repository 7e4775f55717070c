#include "domain/authorization.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "domain/errors.hpp"
#include "test_support.hpp"

namespace domain {
namespace {

// Only role_of matters to authorize(); everything else fails loudly if called.
class RolesOnly final : public BoardRepository {
 public:
  std::map<std::pair<Id, Id>, Role> roles;  // (board, user) -> role

  std::optional<Role> role_of(const telemetry::Context&, Id board_id, Id user_id) override {
    const auto it = roles.find({board_id, user_id});
    if (it == roles.end()) return std::nullopt;
    return it->second;
  }
  Board insert(const telemetry::Context&, Id, const BoardDraft&, UnixMillis) override { fail(); }
  std::optional<Board> find_for_member(const telemetry::Context&, Id, Id) override { fail(); }
  PageOf<Board> list_for_member(const telemetry::Context&, Id, const Page&) override { fail(); }
  std::optional<BoardEvent> update(const telemetry::Context&, Id, const BoardPatch&,
                                   UnixMillis) override {
    fail();
  }
  std::optional<BoardEvent> remove(const telemetry::Context&, Id, UnixMillis) override { fail(); }
  bool exists(const telemetry::Context&, Id) override { fail(); }
  std::optional<Recorded<Member>> add_member(const telemetry::Context&, Id, Id, Role, UnixMillis,
                                             std::int64_t) override {
    fail();
  }
  PageOf<Member> list_members(const telemetry::Context&, Id, const Page&) override { fail(); }
  std::optional<Recorded<Member>> update_member(const telemetry::Context&, Id, Id, Role,
                                                UnixMillis) override {
    fail();
  }
  std::optional<BoardEvent> remove_member(const telemetry::Context&, Id, Id, UnixMillis) override {
    fail();
  }

 private:
  [[noreturn]] static void fail() { throw std::logic_error("not used by authorize()"); }
};

constexpr Id kBoard = 7;
constexpr Id kOwner = 1, kEditor = 2, kViewer = 3, kStranger = 4;

class Authorize : public ::testing::Test {
 protected:
  Authorize() {
    repo.roles[{kBoard, kOwner}] = Role::owner;
    repo.roles[{kBoard, kEditor}] = Role::editor;
    repo.roles[{kBoard, kViewer}] = Role::viewer;
  }
  // "allowed", or the error code the caller gets.
  std::string outcome(Id user, Role required, Id board = kBoard) {
    try {
      authorize(t.ctx, repo, user, board, required);
      return "allowed";
    } catch (const DomainError& error) {
      return std::string(error.code_name());
    }
  }
  RolesOnly repo;
  test::TestContext t;
};

TEST_F(Authorize, ViewerRoleIsEnoughForEveryMember) {
  EXPECT_EQ(outcome(kOwner, Role::viewer), "allowed");
  EXPECT_EQ(outcome(kEditor, Role::viewer), "allowed");
  EXPECT_EQ(outcome(kViewer, Role::viewer), "allowed");
}

TEST_F(Authorize, EditorRoleExcludesViewers) {
  EXPECT_EQ(outcome(kOwner, Role::editor), "allowed");
  EXPECT_EQ(outcome(kEditor, Role::editor), "allowed");
  EXPECT_EQ(outcome(kViewer, Role::editor), "forbidden");
}

TEST_F(Authorize, OwnerRoleIsOnlyTheOwner) {
  EXPECT_EQ(outcome(kOwner, Role::owner), "allowed");
  EXPECT_EQ(outcome(kEditor, Role::owner), "forbidden");
  EXPECT_EQ(outcome(kViewer, Role::owner), "forbidden");
}

TEST_F(Authorize, NonMemberAndMissingBoardLookTheSame) {
  for (Role required : {Role::viewer, Role::editor, Role::owner}) {
    EXPECT_EQ(outcome(kStranger, required), "not_found");
    EXPECT_EQ(outcome(kOwner, required, /*board=*/999), "not_found");
  }
  try {
    authorize(t.ctx, repo, kStranger, kBoard, Role::viewer);
  } catch (const DomainError& stranger) {
    try {
      authorize(t.ctx, repo, kOwner, 999, Role::viewer);
    } catch (const DomainError& missing) {
      EXPECT_EQ(stranger.message(), missing.message());
    }
  }
}

TEST_F(Authorize, ReturnsTheCallersRole) {
  EXPECT_EQ(authorize(t.ctx, repo, kEditor, kBoard, Role::viewer), Role::editor);
}

TEST_F(Authorize, LogsDenialsUnderTheAuthTarget) {
  outcome(kViewer, Role::owner);
  EXPECT_TRUE(t.logger.has_message("auth", "access denied: role too low"));
}

// authorize_with decides on the role its lookup found (a statement that read the role
// along with something else), exactly as authorize() decides on role_of's answer.
TEST_F(Authorize, WithALookupDecidesTheSameWay) {
  for (Role required : {Role::viewer, Role::editor, Role::owner}) {
    for (Id user : {kOwner, kEditor, kViewer, kStranger}) {
      int lookups = 0;
      std::string with_lookup;
      try {
        authorize_with(t.ctx, kBoard, required, [&](const telemetry::Context& inner) {
          ++lookups;
          return repo.role_of(inner, kBoard, user);
        });
        with_lookup = "allowed";
      } catch (const DomainError& error) {
        with_lookup = std::string(error.code_name());
      }
      EXPECT_EQ(lookups, 1);
      EXPECT_EQ(with_lookup, outcome(user, required)) << user << " " << to_string(required);
    }
  }
}

TEST_F(Authorize, WithALookupReturnsTheFoundRoleAndLogsDenials) {
  const auto found = [](std::optional<Role> role) {
    return [role](const telemetry::Context&) { return role; };
  };
  EXPECT_EQ(authorize_with(t.ctx, kBoard, Role::viewer, found(Role::owner)), Role::owner);
  EXPECT_THROW(authorize_with(t.ctx, kBoard, Role::viewer, found(std::nullopt)), DomainError);
  EXPECT_TRUE(t.logger.has_message("auth", "access denied: not a member"));
  EXPECT_THROW(authorize_with(t.ctx, kBoard, Role::editor, found(Role::viewer)), DomainError);
  EXPECT_TRUE(t.logger.has_message("auth", "access denied: role too low"));
}

}  // namespace
}  // namespace domain
