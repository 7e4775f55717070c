#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

using domain::DomainError;
using domain::ErrorCode;
using domain::Role;

class Boards : public StorageTest {
 protected:
  Boards() {
    open_storage();
    owner = register_user("owner").id;
    editor = register_user("editor").id;
    viewer = register_user("viewer").id;
    stranger = register_user("stranger").id;
  }

  domain::BoardService& boards() { return storage->boards(); }
  domain::ElementService& elements() { return storage->elements(); }

  // A board owned by `owner` with `editor` and `viewer` as members.
  domain::Id shared_board() {
    const domain::Id id = boards().create(t.ctx, owner, {"Roadmap", "Q1"}).id;
    boards().add_member(t.ctx, owner, id, "editor", "editor");
    boards().add_member(t.ctx, owner, id, "viewer", "viewer");
    return id;
  }

  std::string outcome(const std::function<void()>& action) {
    try {
      action();
      return "allowed";
    } catch (const DomainError& error) {
      return std::string(error.code_name());
    }
  }

  domain::Id owner = 0, editor = 0, viewer = 0, stranger = 0;
};

TEST_F(Boards, CreatorOwnsTheNewBoard) {
  const domain::Board board = boards().create(t.ctx, owner, {"Roadmap", "Q1 plans"});
  EXPECT_GT(board.id, 0);
  EXPECT_EQ(board.name, "Roadmap");
  EXPECT_EQ(board.description, "Q1 plans");
  EXPECT_EQ(board.owner_id, owner);
  EXPECT_EQ(board.my_role, Role::owner);
  EXPECT_EQ(board.created_at, "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(board.updated_at, board.created_at);

  const domain::Board fetched = boards().get(t.ctx, owner, board.id);
  EXPECT_EQ(fetched.name, "Roadmap");
  EXPECT_EQ(fetched.my_role, Role::owner);
}

TEST_F(Boards, EachMemberSeesTheirOwnRole) {
  const domain::Id id = shared_board();
  EXPECT_EQ(boards().get(t.ctx, editor, id).my_role, Role::editor);
  EXPECT_EQ(boards().get(t.ctx, viewer, id).my_role, Role::viewer);
}

TEST_F(Boards, UpdateChangesOnlyTheGivenFieldsAndTheUpdateTime) {
  const domain::Id id = boards().create(t.ctx, owner, {"Roadmap", "Q1"}).id;
  clock.advance(std::chrono::seconds(90));
  const domain::Board renamed = boards().update(t.ctx, owner, id, {std::string("Plan"), {}});
  EXPECT_EQ(renamed.name, "Plan");
  EXPECT_EQ(renamed.description, "Q1");
  EXPECT_EQ(renamed.created_at, "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(renamed.updated_at, "2026-11-24T23:21:45.123Z");
  const domain::Board described = boards().update(t.ctx, owner, id, {{}, std::string("")});
  EXPECT_EQ(described.name, "Plan");
  EXPECT_EQ(described.description, "");
}

TEST_F(Boards, InvalidBoardsAreRejectedWithFieldDetails) {
  try {
    boards().create(t.ctx, owner, {"", std::string(2001, 'd')});
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    ASSERT_EQ(error.details().size(), 2u);
    EXPECT_EQ(error.details()[0].field, "name");
    EXPECT_EQ(error.details()[1].field, "description");
  }
}

TEST_F(Boards, ListMineIsPagedNewestFirstByCursor) {
  for (int i = 1; i <= 25; ++i) {
    boards().create(t.ctx, owner, {"board " + std::to_string(i), ""});
  }
  boards().create(t.ctx, stranger, {"not mine", ""});
  const domain::Id shared = boards().create(t.ctx, stranger, {"shared with me", ""}).id;
  boards().add_member(t.ctx, stranger, shared, "owner", "viewer");

  const domain::PageOf<domain::Board> first = boards().list_mine(t.ctx, owner, {10, {}});
  ASSERT_EQ(first.items.size(), 10u);
  EXPECT_EQ(first.items[0].name, "shared with me");  // newest first
  EXPECT_EQ(first.items[0].my_role, Role::viewer);
  EXPECT_EQ(first.items[1].name, "board 25");
  ASSERT_TRUE(first.next);

  // A board made between two pages neither repeats one nor pushes one out of sight.
  boards().create(t.ctx, owner, {"made meanwhile", ""});
  const domain::PageOf<domain::Board> second = boards().list_mine(t.ctx, owner, {10, first.next});
  ASSERT_EQ(second.items.size(), 10u);
  EXPECT_EQ(second.items[0].name, "board 16");
  const domain::PageOf<domain::Board> last = boards().list_mine(t.ctx, owner, {10, second.next});
  ASSERT_EQ(last.items.size(), 6u);
  EXPECT_EQ(last.items.back().name, "board 1");
  EXPECT_FALSE(last.next);

  EXPECT_TRUE(boards().list_mine(t.ctx, editor, {20, {}}).items.empty());
}

TEST_F(Boards, ListMineRejectsBadPages) {
  EXPECT_EQ(outcome([&] { boards().list_mine(t.ctx, owner, {101, {}}); }), "validation_failed");
  EXPECT_EQ(outcome([&] { boards().list_mine(t.ctx, owner, {0, {}}); }), "validation_failed");
}

TEST_F(Boards, MembersAreListedWithNamesAndRolesInTheOrderTheyJoined) {
  const domain::Id id = shared_board();
  const domain::PageOf<domain::Member> page = boards().list_members(t.ctx, viewer, id, {100, {}});
  const std::vector<domain::Member>& members = page.items;
  ASSERT_EQ(members.size(), 3u);
  EXPECT_FALSE(page.next);
  std::map<std::string, Role> roles;
  for (const auto& m : members) roles[m.username] = m.role;
  EXPECT_EQ(roles["owner"], Role::owner);
  EXPECT_EQ(roles["editor"], Role::editor);
  EXPECT_EQ(roles["viewer"], Role::viewer);
  EXPECT_EQ(members[0].added_at, "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(members[0].user_id, owner);

  clock.advance(std::chrono::milliseconds(3));
  boards().add_member(t.ctx, owner, id, "stranger", "viewer");
  const domain::PageOf<domain::Member> first = boards().list_members(t.ctx, viewer, id, {2, {}});
  ASSERT_EQ(first.items.size(), 2u);
  ASSERT_TRUE(first.next);
  const domain::PageOf<domain::Member> rest =
      boards().list_members(t.ctx, viewer, id, {2, first.next});
  ASSERT_EQ(rest.items.size(), 2u);
  EXPECT_EQ(rest.items[1].user_id, stranger);
  EXPECT_FALSE(rest.next);
}

TEST_F(Boards, AddMemberFindsUsersWhateverTheCase) {
  const domain::Id id = boards().create(t.ctx, owner, {"b", ""}).id;
  const domain::Member added = boards().add_member(t.ctx, owner, id, "EDITOR", "editor");
  EXPECT_EQ(added.user_id, editor);
  EXPECT_EQ(added.username, "editor");
  EXPECT_EQ(added.role, Role::editor);
}

TEST_F(Boards, AddMemberRules) {
  const domain::Id id = shared_board();
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "stranger", "owner"); }),
            "validation_failed");
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "stranger", "admin"); }),
            "validation_failed");
  try {
    boards().add_member(t.ctx, owner, id, "nobody", "viewer");
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    ASSERT_EQ(error.details().size(), 1u);
    EXPECT_EQ(error.details()[0].field, "username");
  }
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "editor", "viewer"); }),
            "conflict");
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "owner", "viewer"); }), "conflict");
  EXPECT_EQ(boards().get(t.ctx, editor, id).my_role, Role::editor);  // unchanged
}

TEST_F(Boards, OwnerCannotBeRemovedButOthersCanLeave) {
  const domain::Id id = shared_board();
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, owner); }), "conflict");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, viewer, id, viewer); }), "allowed");
  EXPECT_EQ(outcome([&] { boards().get(t.ctx, viewer, id); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, stranger); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, editor); }), "allowed");
  EXPECT_EQ(boards().list_members(t.ctx, owner, id, {100, {}}).items.size(), 1u);
}

TEST_F(Boards, DeletingABoardDeletesItsMembersAndElements) {
  const domain::Id id = shared_board();
  domain::ElementDraft draft;
  draft.kind = "rectangle";
  elements().create(t.ctx, editor, id, draft);
  boards().remove(t.ctx, owner, id);
  EXPECT_EQ(outcome([&] { boards().get(t.ctx, owner, id); }), "not_found");
  // Cascades only happen when SQLite enforces foreign keys on our connections.
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements"), "0");
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM board_members"), "0");
}

// Every action against every kind of caller. A non-member gets not_found, never a
// hint that the board exists.
TEST_F(Boards, AuthorizationMatrix) {
  using Action = std::function<void(domain::Id user, domain::Id board, domain::Id element)>;
  domain::ElementDraft draft;
  draft.kind = "sticky_note";
  const std::vector<std::pair<std::string, Action>> actions = {
      {"get board", [&](auto u, auto b, auto) { boards().get(t.ctx, u, b); }},
      {"list members", [&](auto u, auto b, auto) { boards().list_members(t.ctx, u, b, {}); }},
      {"list elements", [&](auto u, auto b, auto) { elements().list(t.ctx, u, b, {}); }},
      {"get element", [&](auto u, auto b, auto e) { elements().get(t.ctx, u, b, e); }},
      {"create element", [&](auto u, auto b, auto) { elements().create(t.ctx, u, b, draft); }},
      {"update element",
       [&](auto u, auto b, auto e) {
         domain::ElementPatch patch;
         patch.version = 1;
         patch.x = 5;
         elements().update(t.ctx, u, b, e, patch);
       }},
      {"delete element", [&](auto u, auto b, auto e) { elements().remove(t.ctx, u, b, e); }},
      {"update board",
       [&](auto u, auto b, auto) {
         boards().update(t.ctx, u, b, {std::string("x"), {}});
       }},
      {"add member",
       [&](auto u, auto b, auto) { boards().add_member(t.ctx, u, b, "stranger", "viewer"); }},
      {"remove member", [&](auto u, auto b, auto) { boards().remove_member(t.ctx, u, b, viewer); }},
      {"delete board", [&](auto u, auto b, auto) { boards().remove(t.ctx, u, b); }},
  };
  // Expected outcome per action for owner, editor, viewer, stranger.
  const std::map<std::string, std::array<const char*, 4>> expected = {
      {"get board", {"allowed", "allowed", "allowed", "not_found"}},
      {"list members", {"allowed", "allowed", "allowed", "not_found"}},
      {"list elements", {"allowed", "allowed", "allowed", "not_found"}},
      {"get element", {"allowed", "allowed", "allowed", "not_found"}},
      {"create element", {"allowed", "allowed", "forbidden", "not_found"}},
      {"update element", {"allowed", "allowed", "forbidden", "not_found"}},
      {"delete element", {"allowed", "allowed", "forbidden", "not_found"}},
      {"update board", {"allowed", "forbidden", "forbidden", "not_found"}},
      {"add member", {"allowed", "forbidden", "forbidden", "not_found"}},
      {"remove member", {"allowed", "forbidden", "allowed*", "not_found"}},
      {"delete board", {"allowed", "forbidden", "forbidden", "not_found"}},
  };
  const std::array<domain::Id, 4> callers{owner, editor, viewer, stranger};
  const std::array<const char*, 4> names{"owner", "editor", "viewer", "stranger"};
  for (const auto& [action_name, action] : actions) {
    for (std::size_t i = 0; i < callers.size(); ++i) {
      const domain::Id board = shared_board();  // fresh: some actions destroy things
      const domain::Id element = elements().create(t.ctx, owner, board, draft).id;
      std::string want = expected.at(action_name)[i];
      if (want == "allowed*") want = "allowed";  // the viewer removing themselves: leaving
      EXPECT_EQ(outcome([&] { action(callers[i], board, element); }), want)
          << action_name << " by " << names[i];
    }
  }
}

}  // namespace
}  // namespace storage::test
