// The use cases' rules with no database: domain::Services built on the in-memory
// repositories, as the app builds them on SQLite's (tests/unit/storage checks the
// same services on the real backend).

#include "domain/services.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "domain/errors.hpp"
#include "domain/secrets.hpp"
#include "in_memory_repositories.hpp"
#include "test_support.hpp"

namespace domain::test {
namespace {

// A clock that only moves when told to.
struct ManualClock {
  std::shared_ptr<std::atomic<std::int64_t>> millis =
      std::make_shared<std::atomic<std::int64_t>>(1795562415123);  // 2026-11-24T23:20:15.123Z

  Clock clock() const {
    return [m = millis] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(m->load()));
    };
  }
  void advance(std::chrono::milliseconds by) { *millis += by.count(); }
};

class ServicesTest : public ::testing::Test {
 protected:
  ServicesTest() { build(std::chrono::hours(24)); }

  void build(std::chrono::seconds token_ttl, BoardLimits limits = {}) {
    AccountOptions options;
    options.password_cost = PasswordCost::minimal();
    options.token_ttl = token_ttl;
    options.clock = clock.clock();
    services =
        std::make_unique<Services>(store.repositories(), options, published, SyncOptions{}, limits);
  }

  AccountService& accounts() { return services->accounts(); }
  BoardService& boards() { return services->boards(); }
  ElementService& elements() { return services->elements(); }

  User register_user(const std::string& name, const std::string& password = "password1") {
    return accounts().register_user(t.ctx, {name, password});
  }

  // "allowed", or the code of the DomainError the action threw.
  static std::string outcome(const std::function<void()>& action) {
    try {
      action();
      return "allowed";
    } catch (const DomainError& error) {
      return std::string(error.code_name());
    }
  }

  // The DomainError the action threw; fails the test if it threw none.
  static DomainError error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const DomainError& error) {
      return error;
    }
    ADD_FAILURE() << "expected a DomainError";
    return DomainError(ErrorCode::conflict, "none thrown");
  }

  ManualClock clock;
  TestContext t;
  InMemoryRepositories store;
  RecordingPublisher published;
  std::unique_ptr<Services> services;
};

// --- accounts ---------------------------------------------------------------

class Accounts : public ServicesTest {};

TEST_F(Accounts, RegisteredUserLogsInAndIsKnownByTheToken) {
  const User alice = register_user("Alice", "correct horse");
  EXPECT_GT(alice.id, 0);
  EXPECT_EQ(alice.username, "Alice");
  EXPECT_EQ(alice.created_at, "2026-11-24T23:20:15.123Z");

  const Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(session.user.id, alice.id);
  EXPECT_EQ(session.expires_at, "2026-11-25T23:20:15.123Z");
  EXPECT_FALSE(store.sessions.holds(session.token));  // only the hash is stored
  EXPECT_TRUE(store.sessions.holds(secrets::token_hash(session.token)));

  TestContext later;
  EXPECT_EQ(accounts().authenticate(later.ctx, session.token).id, alice.id);
  EXPECT_EQ(later.ctx.user_id(), alice.id);
}

TEST_F(Accounts, UsernamesAreUniqueWhateverTheirCase) {
  register_user("alice");
  EXPECT_EQ(outcome([&] { register_user("ALICE"); }), "username_taken");
  EXPECT_EQ(store.users.size(), 1u);
}

TEST_F(Accounts, RegistrationRulesAreCheckedBeforeAnythingIsStored) {
  const DomainError error = error_of([&] { register_user("x", "short"); });
  EXPECT_EQ(error.code(), ErrorCode::validation_failed);
  ASSERT_EQ(error.details().size(), 2u);
  EXPECT_EQ(error.details()[0].field, "username");
  EXPECT_EQ(error.details()[1].field, "password");
  EXPECT_EQ(store.users.size(), 0u);
}

TEST_F(Accounts, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  register_user("alice", "correct horse");
  const DomainError wrong_password = error_of([&] {
    accounts().login(t.ctx, {"alice", "wrong horse"});
  });
  const DomainError unknown_user = error_of([&] {
    accounts().login(t.ctx, {"bob", "correct horse"});
  });
  EXPECT_EQ(wrong_password.code(), ErrorCode::unauthorized);
  EXPECT_EQ(unknown_user.code(), ErrorCode::unauthorized);
  EXPECT_FALSE(wrong_password.message().empty());
  EXPECT_EQ(wrong_password.message(), unknown_user.message());
  EXPECT_EQ(store.sessions.size(), 0u);
}

TEST_F(Accounts, TokenIsUnauthorizedOnceItsTtlHasPassed) {
  register_user("alice", "correct horse");
  const Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  clock.advance(std::chrono::hours(24) - std::chrono::milliseconds(1));
  EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, session.token); }), "allowed");
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, session.token); }), "unauthorized");
  EXPECT_EQ(store.sessions.size(), 0u);  // the expired session was removed
}

TEST_F(Accounts, ShorterTtlEndsSessionsSooner) {
  build(std::chrono::minutes(5));
  register_user("alice", "correct horse");
  const Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(session.expires_at, "2026-11-24T23:25:15.123Z");
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, session.token); }), "unauthorized");
}

TEST_F(Accounts, LoginClearsOutExpiredSessions) {
  register_user("alice", "correct horse");
  accounts().login(t.ctx, {"alice", "correct horse"});
  clock.advance(std::chrono::hours(25));
  accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(store.sessions.size(), 1u);
}

TEST_F(Accounts, LogoutEndsOnlyThatSession) {
  register_user("alice", "correct horse");
  const Session phone = accounts().login(t.ctx, {"alice", "correct horse"});
  const Session laptop = accounts().login(t.ctx, {"alice", "correct horse"});
  accounts().logout(t.ctx, phone.token);
  EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, phone.token); }), "unauthorized");
  EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, laptop.token); }), "allowed");
  EXPECT_EQ(outcome([&] { accounts().logout(t.ctx, phone.token); }), "allowed");  // again
}

TEST_F(Accounts, UnknownAndMalformedTokensAreUnauthorized) {
  for (const std::string& token :
       {std::string(), std::string("nope"), std::string(10000, 'a'), secrets::new_token()}) {
    EXPECT_EQ(outcome([&] { accounts().authenticate(t.ctx, token); }), "unauthorized");
  }
}

// --- boards -----------------------------------------------------------------

class Boards : public ServicesTest {
 protected:
  Boards() {
    owner = register_user("owner").id;
    editor = register_user("editor").id;
    viewer = register_user("viewer").id;
    stranger = register_user("stranger").id;
  }

  // A board owned by `owner` with `editor` and `viewer` as members.
  Id shared_board() {
    const Id id = boards().create(t.ctx, owner, {"Roadmap", "Q1"}).id;
    boards().add_member(t.ctx, owner, id, "editor", "editor");
    boards().add_member(t.ctx, owner, id, "viewer", "viewer");
    return id;
  }

  Id owner = 0, editor = 0, viewer = 0, stranger = 0;
};

TEST_F(Boards, CreatorOwnsTheNewBoard) {
  const Board board = boards().create(t.ctx, owner, {"Roadmap", "Q1 plans"});
  EXPECT_EQ(board.name, "Roadmap");
  EXPECT_EQ(board.owner_id, owner);
  EXPECT_EQ(board.my_role, Role::owner);
  EXPECT_EQ(board.created_at, "2026-11-24T23:20:15.123Z");
  const Board fetched = boards().get(t.ctx, owner, board.id);
  EXPECT_EQ(fetched.description, "Q1 plans");
  EXPECT_EQ(fetched.my_role, Role::owner);
}

TEST_F(Boards, EachMemberSeesTheirOwnRoleAndAStrangerSeesNothing) {
  const Id id = shared_board();
  EXPECT_EQ(boards().get(t.ctx, editor, id).my_role, Role::editor);
  EXPECT_EQ(boards().get(t.ctx, viewer, id).my_role, Role::viewer);
  const DomainError hidden = error_of([&] { boards().get(t.ctx, stranger, id); });
  const DomainError missing = error_of([&] { boards().get(t.ctx, stranger, id + 1000); });
  EXPECT_EQ(hidden.code(), ErrorCode::not_found);
  EXPECT_EQ(hidden.message(), missing.message());  // existence is not leaked
}

TEST_F(Boards, OwnerUpdatesOnlyTheGivenFields) {
  const Id id = shared_board();
  clock.advance(std::chrono::seconds(90));
  const Board renamed = boards().update(t.ctx, owner, id, {std::string("Plan"), {}});
  EXPECT_EQ(renamed.name, "Plan");
  EXPECT_EQ(renamed.description, "Q1");
  EXPECT_EQ(renamed.created_at, "2026-11-24T23:20:15.123Z");
  EXPECT_EQ(renamed.updated_at, "2026-11-24T23:21:45.123Z");
  EXPECT_EQ(outcome([&] {
              boards().update(t.ctx, editor, id, {std::string("X"), {}});
            }),
            "forbidden");
  EXPECT_EQ(outcome([&] {
              boards().update(t.ctx, viewer, id, {std::string("X"), {}});
            }),
            "forbidden");
  EXPECT_EQ(outcome([&] {
              boards().update(t.ctx, stranger, id, {std::string("X"), {}});
            }),
            "not_found");
  EXPECT_EQ(boards().get(t.ctx, viewer, id).name, "Plan");
}

TEST_F(Boards, InvalidBoardsAreRejectedWithFieldDetails) {
  const DomainError error = error_of([&] {
    boards().create(t.ctx, owner, {"  ", std::string(2001, 'd')});
  });
  EXPECT_EQ(error.code(), ErrorCode::validation_failed);
  ASSERT_EQ(error.details().size(), 2u);
  EXPECT_EQ(error.details()[0].field, "name");
  EXPECT_EQ(error.details()[1].field, "description");
  EXPECT_EQ(store.boards.size(), 0u);
}

TEST_F(Boards, ListMineIsPagedNewestFirstByCursor) {
  for (int i = 1; i <= 25; ++i) {
    boards().create(t.ctx, owner, {"board " + std::to_string(i), ""});
    clock.advance(std::chrono::milliseconds(1));
  }
  boards().create(t.ctx, stranger, {"not mine", ""});
  const Id shared = boards().create(t.ctx, stranger, {"shared with me", ""}).id;
  boards().add_member(t.ctx, stranger, shared, "owner", "viewer");

  const PageOf<Board> first = boards().list_mine(t.ctx, owner, {10, {}});
  ASSERT_EQ(first.items.size(), 10u);
  EXPECT_EQ(first.items[0].name, "shared with me");
  EXPECT_EQ(first.items[0].my_role, Role::viewer);
  EXPECT_EQ(first.items[1].name, "board 25");
  EXPECT_EQ(first.items[1].my_role, Role::owner);
  ASSERT_TRUE(first.next);

  // A board made between two pages is on no later page and moves nothing along.
  boards().create(t.ctx, owner, {"made meanwhile", ""});
  const PageOf<Board> second = boards().list_mine(t.ctx, owner, {10, first.next});
  ASSERT_EQ(second.items.size(), 10u);
  EXPECT_EQ(second.items[0].name, "board 16");
  const PageOf<Board> last = boards().list_mine(t.ctx, owner, {10, second.next});
  ASSERT_EQ(last.items.size(), 6u);
  EXPECT_EQ(last.items.back().name, "board 1");
  EXPECT_FALSE(last.next);

  EXPECT_TRUE(boards().list_mine(t.ctx, editor, {20, {}}).items.empty());
  EXPECT_FALSE(boards().list_mine(t.ctx, editor, {20, {}}).next);
}

TEST_F(Boards, AFullPageAtTheEndSaysThereIsNoNextPage) {
  for (int i = 1; i <= 4; ++i) boards().create(t.ctx, owner, {"board " + std::to_string(i), ""});
  const PageOf<Board> first = boards().list_mine(t.ctx, owner, {2, {}});
  ASSERT_TRUE(first.next);
  const PageOf<Board> second = boards().list_mine(t.ctx, owner, {2, first.next});
  EXPECT_EQ(second.items.size(), 2u);
  EXPECT_FALSE(second.next);
}

TEST_F(Boards, ListMineRejectsBadPages) {
  EXPECT_EQ(outcome([&] { boards().list_mine(t.ctx, owner, {101, {}}); }), "validation_failed");
  EXPECT_EQ(outcome([&] { boards().list_mine(t.ctx, owner, {0, {}}); }), "validation_failed");
  EXPECT_EQ(outcome([&] { boards().list_mine(t.ctx, owner, {-5, {}}); }), "validation_failed");
}

TEST_F(Boards, MembersArePagedInTheOrderTheyJoined) {
  const Id id = shared_board();  // owner, editor, viewer
  clock.advance(std::chrono::milliseconds(5));
  boards().add_member(t.ctx, owner, id, "stranger", "viewer");
  const PageOf<Member> first = boards().list_members(t.ctx, viewer, id, {3, {}});
  ASSERT_EQ(first.items.size(), 3u);
  EXPECT_EQ(first.items[0].user_id, owner);
  ASSERT_TRUE(first.next);
  const PageOf<Member> rest = boards().list_members(t.ctx, viewer, id, {3, first.next});
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_EQ(rest.items[0].user_id, stranger);
  EXPECT_FALSE(rest.next);
  EXPECT_EQ(outcome([&] {
              boards().list_members(t.ctx, viewer, id, {0, {}});
            }),
            "validation_failed");
}

TEST_F(Boards, MembersStopAtTheCap) {
  build(std::chrono::hours(24), BoardLimits{10000, 3});
  const Id id = shared_board();  // owner, editor, viewer: full
  const DomainError full =
      error_of([&] { boards().add_member(t.ctx, owner, id, "stranger", "viewer"); });
  EXPECT_EQ(full.code(), ErrorCode::limit_reached);
  EXPECT_NE(full.message().find("3 members"), std::string::npos) << full.message();
  // Someone already a member is still told so, not that the board is full.
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "editor", "viewer"); }),
            "conflict");
  boards().remove_member(t.ctx, viewer, id, viewer);
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "stranger", "viewer"); }),
            "allowed");
}

TEST_F(Boards, OnlyTheOwnerDeletesAndTheElementsGoToo) {
  const Id id = shared_board();
  ElementDraft draft;
  draft.kind = "rectangle";
  elements().create(t.ctx, editor, id, draft);
  EXPECT_EQ(outcome([&] { boards().remove(t.ctx, editor, id); }), "forbidden");
  EXPECT_EQ(outcome([&] { boards().remove(t.ctx, stranger, id); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove(t.ctx, owner, id); }), "allowed");
  EXPECT_EQ(outcome([&] { boards().get(t.ctx, owner, id); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove(t.ctx, owner, id); }), "not_found");
  EXPECT_EQ(store.elements.size(), 0u);
}

TEST_F(Boards, MembersAreListedWithNamesAndRoles) {
  const Id id = shared_board();
  std::map<std::string, Role> roles;
  for (const Member& m : boards().list_members(t.ctx, viewer, id, {100, {}}).items) {
    roles[m.username] = m.role;
  }
  const std::map<std::string, Role> expected{
      {"owner", Role::owner}, {"editor", Role::editor}, {"viewer", Role::viewer}};
  EXPECT_EQ(roles, expected);
  EXPECT_EQ(outcome([&] { boards().list_members(t.ctx, stranger, id, {100, {}}); }), "not_found");
}

TEST_F(Boards, AddMemberRules) {
  const Id id = shared_board();
  const Member added = boards().add_member(t.ctx, owner, id, "STRANGER", "viewer");
  EXPECT_EQ(added.user_id, stranger);  // found whatever the case
  EXPECT_EQ(added.username, "stranger");
  EXPECT_EQ(added.role, Role::viewer);

  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "editor", "owner"); }),
            "validation_failed");
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "editor", "admin"); }),
            "validation_failed");
  const DomainError nobody =
      error_of([&] { boards().add_member(t.ctx, owner, id, "nobody", "viewer"); });
  EXPECT_EQ(nobody.code(), ErrorCode::validation_failed);
  ASSERT_EQ(nobody.details().size(), 1u);
  EXPECT_EQ(nobody.details()[0].field, "username");

  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "editor", "viewer"); }),
            "conflict");
  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, owner, id, "owner", "viewer"); }), "conflict");
  EXPECT_EQ(boards().get(t.ctx, editor, id).my_role, Role::editor);  // unchanged
  EXPECT_EQ(boards().get(t.ctx, owner, id).my_role, Role::owner);

  EXPECT_EQ(outcome([&] { boards().add_member(t.ctx, editor, id, "stranger", "viewer"); }),
            "forbidden");
}

TEST_F(Boards, OnlyTheOwnerChangesRolesAndNotTheirOwn) {
  const Id id = shared_board();
  const Member demoted = boards().change_member_role(t.ctx, owner, id, editor, "viewer");
  EXPECT_EQ(demoted.user_id, editor);
  EXPECT_EQ(demoted.username, "editor");
  EXPECT_EQ(demoted.role, Role::viewer);
  EXPECT_EQ(boards().get(t.ctx, editor, id).my_role, Role::viewer);
  ElementDraft draft;
  draft.kind = "rectangle";
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, editor, id, draft); }), "forbidden");
  boards().change_member_role(t.ctx, owner, id, editor, "editor");
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, editor, id, draft); }), "allowed");

  EXPECT_EQ(outcome([&] { boards().change_member_role(t.ctx, owner, id, viewer, "owner"); }),
            "validation_failed");
  EXPECT_EQ(outcome([&] { boards().change_member_role(t.ctx, owner, id, owner, "viewer"); }),
            "conflict");
  EXPECT_EQ(outcome([&] { boards().change_member_role(t.ctx, owner, id, stranger, "viewer"); }),
            "not_found");
  EXPECT_EQ(outcome([&] { boards().change_member_role(t.ctx, editor, id, viewer, "editor"); }),
            "forbidden");
  EXPECT_EQ(outcome([&] { boards().change_member_role(t.ctx, stranger, id, viewer, "editor"); }),
            "not_found");
  EXPECT_EQ(boards().get(t.ctx, viewer, id).my_role, Role::viewer);
  EXPECT_EQ(boards().get(t.ctx, owner, id).my_role, Role::owner);
}

TEST_F(Boards, OwnerCannotBeRemovedButOthersCanLeave) {
  const Id id = shared_board();
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, owner); }), "conflict");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, editor, id, owner); }), "forbidden");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, viewer, id, viewer); }), "allowed");
  EXPECT_EQ(outcome([&] { boards().get(t.ctx, viewer, id); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, stranger); }), "not_found");
  EXPECT_EQ(outcome([&] { boards().remove_member(t.ctx, owner, id, editor); }), "allowed");
  const std::vector<Member> left = boards().list_members(t.ctx, owner, id, {100, {}}).items;
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].user_id, owner);
}

// --- elements ---------------------------------------------------------------

class Elements : public Boards {
 protected:
  static ElementDraft note(std::string text, std::int64_t z = 0) {
    ElementDraft draft;
    draft.kind = "sticky_note";
    draft.x = 10.5;
    draft.y = -3.25;
    draft.width = 200;
    draft.height = 120;
    draft.z_index = z;
    draft.style = {{"fill", "#ffeb3b"}};
    draft.text = std::move(text);
    return draft;
  }
  static ElementPatch patch_at(std::int64_t version) {
    ElementPatch patch;
    patch.version = version;
    return patch;
  }
};

TEST_F(Elements, CreatedElementStartsAtVersionOne) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, editor, board, note("hello"));
  EXPECT_EQ(e.board_id, board);
  EXPECT_EQ(e.kind, ElementKind::sticky_note);
  EXPECT_EQ(e.version, 1);
  EXPECT_EQ(e.created_by, editor);
  const Element read = elements().get(t.ctx, viewer, board, e.id);
  EXPECT_EQ(read.text, "hello");
  EXPECT_EQ(read.style, note("").style);
}

TEST_F(Elements, ViewersReadButDoNotWriteAndStrangersSeeNothing) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, owner, board, note("x"));
  ElementPatch patch = patch_at(1);
  patch.x = 5;
  EXPECT_EQ(outcome([&] { elements().list(t.ctx, viewer, board, {100, {}}); }), "allowed");
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, viewer, board, note("y")); }), "forbidden");
  EXPECT_EQ(outcome([&] { elements().update(t.ctx, viewer, board, e.id, patch); }), "forbidden");
  EXPECT_EQ(outcome([&] { elements().remove(t.ctx, viewer, board, e.id); }), "forbidden");
  EXPECT_EQ(outcome([&] { elements().list(t.ctx, stranger, board, {100, {}}); }), "not_found");
  EXPECT_EQ(outcome([&] { elements().get(t.ctx, stranger, board, e.id); }), "not_found");
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, stranger, board, note("y")); }), "not_found");
  EXPECT_EQ(elements().get(t.ctx, owner, board, e.id).version, 1);  // nothing was written
  EXPECT_EQ(store.elements.size(), 1u);
}

TEST_F(Elements, ListIsOrderedByZIndex) {
  const Id board = shared_board();
  elements().create(t.ctx, editor, board, note("top", 5));
  elements().create(t.ctx, editor, board, note("bottom", -2));
  elements().create(t.ctx, editor, board, note("middle", 0));
  const std::vector<Element> list = elements().list(t.ctx, viewer, board, {100, {}}).items;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].text, "bottom");
  EXPECT_EQ(list[1].text, "middle");
  EXPECT_EQ(list[2].text, "top");
}

TEST_F(Elements, ListIsPagedByZIndexThenId) {
  const Id board = shared_board();
  for (int i = 0; i < 5; ++i) elements().create(t.ctx, editor, board, note(std::to_string(i), 1));
  const PageOf<Element> first = elements().list(t.ctx, viewer, board, {2, {}});
  ASSERT_EQ(first.items.size(), 2u);
  ASSERT_TRUE(first.next);
  // Inserted before the cursor: it neither repeats an element nor hides one.
  elements().create(t.ctx, editor, board, note("below", 0));
  std::vector<std::string> seen;
  for (const Element& e : first.items) seen.push_back(e.text);
  for (std::optional<SortKey> next = first.next; next;) {
    const PageOf<Element> page = elements().list(t.ctx, viewer, board, {2, next});
    for (const Element& e : page.items) seen.push_back(e.text);
    next = page.next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST_F(Elements, CreateStopsAtTheCap) {
  build(std::chrono::hours(24), BoardLimits{2, 1000});
  const Id board = shared_board();
  const Element first = elements().create(t.ctx, editor, board, note("1"));
  elements().create(t.ctx, editor, board, note("2"));
  const DomainError full = error_of([&] { elements().create(t.ctx, editor, board, note("3")); });
  EXPECT_EQ(full.code(), ErrorCode::limit_reached);
  EXPECT_EQ(store.elements.size(), 2u);
  // The cap is per board, and deleting makes room.
  const Id other = boards().create(t.ctx, owner, {"Other", ""}).id;
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, owner, other, note("x")); }), "allowed");
  elements().remove(t.ctx, editor, board, first.id);
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, editor, board, note("3")); }), "allowed");
}

TEST_F(Elements, UpdateIsPartialAndBumpsTheVersion) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, editor, board, note("hello"));
  clock.advance(std::chrono::seconds(2));
  ElementPatch patch = patch_at(1);
  patch.x = 99;
  patch.text = "moved";
  const Element updated = elements().update(t.ctx, editor, board, e.id, patch);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.x, 99);
  EXPECT_EQ(updated.y, -3.25);  // untouched
  EXPECT_EQ(updated.updated_at, "2026-11-24T23:20:17.123Z");
  const Element stored = elements().get(t.ctx, viewer, board, e.id);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.text, "moved");
  EXPECT_EQ(stored.updated_at, updated.updated_at);
}

TEST_F(Elements, StaleVersionConflictsAndCarriesTheCurrentElement) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, editor, board, note("v1"));
  ElementPatch first = patch_at(1);
  first.text = "v2 by editor";
  elements().update(t.ctx, editor, board, e.id, first);

  ElementPatch stale = patch_at(1);
  stale.text = "v2 by owner";
  const DomainError error = error_of([&] { elements().update(t.ctx, owner, board, e.id, stale); });
  EXPECT_EQ(error.code(), ErrorCode::version_conflict);
  ASSERT_NE(error.current_element(), nullptr);
  EXPECT_EQ(error.current_element()->id, e.id);
  EXPECT_EQ(error.current_element()->version, 2);
  EXPECT_EQ(error.current_element()->text, "v2 by editor");
  EXPECT_EQ(elements().get(t.ctx, owner, board, e.id).text, "v2 by editor");
}

// A write that lands between the service's read and its own write: the repository's
// version check is what turns it into a conflict instead of a lost update.
class RacingElements final : public InMemoryElementRepository {
 public:
  using InMemoryElementRepository::InMemoryElementRepository;
  std::optional<Recorded<Element>> update_if_version(const telemetry::Context& ctx, Id board_id,
                                                     Id element_id, std::int64_t expected_version,
                                                     const ElementValues& values,
                                                     UnixMillis now) override {
    if (race) {
      race = false;
      ElementValues theirs = values;
      theirs.text = "written in between";
      InMemoryElementRepository::update_if_version(ctx, board_id, element_id, expected_version,
                                                   theirs, now);
    }
    return InMemoryElementRepository::update_if_version(ctx, board_id, element_id, expected_version,
                                                        values, now);
  }
  bool race = false;
};

TEST_F(Elements, WriteBetweenReadAndUpdateIsAConflictToo) {
  InMemoryEventLog log;
  RacingElements racing(log);
  InMemoryBoardRepository racing_boards(store.users, racing, log);
  InMemoryBoardEventRepository racing_events(log, racing_boards, racing);
  AccountOptions options;
  options.password_cost = PasswordCost::minimal();
  options.clock = clock.clock();
  NoBoardEventPublisher nobody;
  Services raced({store.users, store.sessions, racing_boards, racing, racing_events}, options,
                 nobody);

  const Id board = raced.boards().create(t.ctx, owner, {"Race", ""}).id;
  const Element e = raced.elements().create(t.ctx, owner, board, note("v1"));
  racing.race = true;
  ElementPatch patch = patch_at(1);
  patch.text = "mine";
  const DomainError error =
      error_of([&] { raced.elements().update(t.ctx, owner, board, e.id, patch); });
  EXPECT_EQ(error.code(), ErrorCode::version_conflict);
  ASSERT_NE(error.current_element(), nullptr);
  EXPECT_EQ(error.current_element()->version, 2);
  EXPECT_EQ(error.current_element()->text, "written in between");
  EXPECT_EQ(raced.elements().get(t.ctx, owner, board, e.id).text, "written in between");
}

TEST_F(Elements, InvalidDraftsAndPatchesAreRejectedWithFieldDetails) {
  const Id board = shared_board();
  ElementDraft draft = note("x");
  draft.kind = "hexagon";
  draft.width = 1e6;
  const DomainError bad_draft = error_of([&] { elements().create(t.ctx, editor, board, draft); });
  EXPECT_EQ(bad_draft.code(), ErrorCode::validation_failed);
  ASSERT_EQ(bad_draft.details().size(), 2u);
  EXPECT_EQ(bad_draft.details()[0].field, "kind");
  EXPECT_EQ(bad_draft.details()[1].field, "width");
  EXPECT_EQ(store.elements.size(), 0u);

  const Element e = elements().create(t.ctx, editor, board, note("ok"));
  ElementPatch no_version;
  no_version.x = 1;
  const DomainError missing =
      error_of([&] { elements().update(t.ctx, editor, board, e.id, no_version); });
  EXPECT_EQ(missing.code(), ErrorCode::validation_failed);
  ASSERT_EQ(missing.details().size(), 1u);
  EXPECT_EQ(missing.details()[0].field, "version");

  ElementPatch rotated = patch_at(1);
  rotated.rotation = 400;
  EXPECT_EQ(outcome([&] { elements().update(t.ctx, editor, board, e.id, rotated); }),
            "validation_failed");
  EXPECT_EQ(elements().get(t.ctx, editor, board, e.id).version, 1);
}

TEST_F(Elements, ElementsBelongToTheirBoard) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, owner, board, note("mine"));
  const Id other = boards().create(t.ctx, owner, {"Other", ""}).id;
  ElementPatch patch = patch_at(1);
  patch.x = 1;
  EXPECT_EQ(outcome([&] { elements().get(t.ctx, owner, other, e.id); }), "not_found");
  EXPECT_EQ(outcome([&] { elements().update(t.ctx, owner, other, e.id, patch); }), "not_found");
  EXPECT_EQ(outcome([&] { elements().remove(t.ctx, owner, other, e.id); }), "not_found");
  EXPECT_EQ(elements().get(t.ctx, owner, board, e.id).x, 10.5);
  EXPECT_EQ(outcome([&] { elements().remove(t.ctx, editor, board, e.id); }), "allowed");
  EXPECT_EQ(outcome([&] { elements().get(t.ctx, owner, board, e.id); }), "not_found");
}

// --- board events and catch-up ----------------------------------------------

class Events : public Elements {
 protected:
  std::vector<std::string> published_types() const {
    std::vector<std::string> types;
    for (const auto& event : published.events()) types.push_back(event.type);
    return types;
  }
  std::vector<std::int64_t> published_seqs(Id board) const {
    std::vector<std::int64_t> seqs;
    for (const auto& event : published.events()) {
      if (event.board_id == board) seqs.push_back(event.seq);
    }
    return seqs;
  }
};

TEST_F(Events, EveryBoardChangeIsPublishedOnceWithTheBoardsNextSeq) {
  const Id board = shared_board();  // two members added: seq 1 and 2
  const Element e = elements().create(t.ctx, editor, board, note("a"));
  ElementPatch patch = patch_at(1);
  patch.text = "b";
  elements().update(t.ctx, editor, board, e.id, patch);
  elements().remove(t.ctx, editor, board, e.id);
  BoardPatch rename;
  rename.name = "Renamed";
  boards().update(t.ctx, owner, board, rename);
  boards().change_member_role(t.ctx, owner, board, viewer, "editor");
  boards().remove_member(t.ctx, owner, board, viewer);
  boards().remove(t.ctx, owner, board);

  EXPECT_EQ(published_types(),
            (std::vector<std::string>{"member.added", "member.added", "element.created",
                                      "element.updated", "element.deleted", "board.updated",
                                      "member.updated", "member.removed", "board.deleted"}));
  EXPECT_EQ(published_seqs(board), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  const auto events = published.events();
  EXPECT_EQ(events[2].data.at("element").at("text").as_string(), "a");
  EXPECT_EQ(events[3].data.at("element").at("version").as_int64(), 2);
  EXPECT_EQ(events[4].data.at("element_id").as_int64(), e.id);
  EXPECT_EQ(events[5].data.at("board").at("name").as_string(), "Renamed");
  EXPECT_EQ(events[6].data.at("member").at("role").as_string(), "editor");
  EXPECT_EQ(events[6].data.at("member").at("user_id").as_int64(), viewer);
  EXPECT_EQ(events[7].data.at("user_id").as_int64(), viewer);
}

TEST_F(Events, RefusedChangesPublishNothingAndTakeNoSeq) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, editor, board, note("a"));
  const std::size_t before = published.events().size();
  EXPECT_EQ(outcome([&] { elements().create(t.ctx, viewer, board, note("no")); }), "forbidden");
  ElementPatch stale = patch_at(7);
  stale.text = "late";
  EXPECT_EQ(outcome([&] { elements().update(t.ctx, editor, board, e.id, stale); }),
            "version_conflict");
  EXPECT_EQ(outcome([&] { elements().remove(t.ctx, editor, board, e.id + 100); }), "not_found");
  EXPECT_EQ(published.events().size(), before);
  EXPECT_EQ(elements().create_recorded(t.ctx, editor, board, note("b")).event.seq, 4);
}

TEST_F(Events, RejoiningGetsExactlyTheEventsAfterTheLastSeenSeq) {
  const Id board = shared_board();
  const Element e = elements().create(t.ctx, editor, board, note("a"));
  ElementPatch patch = patch_at(1);
  patch.x = 5;
  elements().update(t.ctx, editor, board, e.id, patch);

  const JoinState state = services->sync().join(t.ctx, viewer, board, 2);
  EXPECT_EQ(state.role, Role::viewer);
  EXPECT_FALSE(state.snapshot.has_value());
  ASSERT_EQ(state.events.size(), 2u);
  EXPECT_EQ(state.events[0].seq, 3);
  EXPECT_EQ(state.events[0].type, "element.created");
  EXPECT_EQ(state.events[1].seq, 4);
  EXPECT_EQ(state.seq, 4);

  const JoinState current = services->sync().join(t.ctx, viewer, board, 4);
  EXPECT_TRUE(current.events.empty());
  EXPECT_FALSE(current.snapshot.has_value());
  EXPECT_EQ(current.seq, 4);
}

TEST_F(Events, AFirstJoinOrAClientAheadOfTheBoardGetsASnapshot) {
  const Id board = shared_board();
  elements().create(t.ctx, editor, board, note("a"));
  for (const std::optional<std::int64_t> since :
       {std::optional<std::int64_t>(), std::optional<std::int64_t>(99)}) {
    const JoinState state = services->sync().join(t.ctx, editor, board, since);
    ASSERT_TRUE(state.snapshot.has_value());
    EXPECT_EQ(state.snapshot->seq, 3);
    EXPECT_EQ(state.seq, 3);
    ASSERT_EQ(state.snapshot->elements.size(), 1u);
    EXPECT_EQ(state.snapshot->elements[0].text, "a");
    EXPECT_TRUE(state.events.empty());
  }
  EXPECT_EQ(outcome([&] { services->sync().join(t.ctx, stranger, board, 0); }), "not_found");
}

TEST_F(Events, PrunedHistoryOrTooLongACatchUpFallsBackToASnapshot) {
  AccountOptions accounts;
  accounts.password_cost = PasswordCost::minimal();
  accounts.clock = clock.clock();
  SyncOptions sync;
  sync.max_catch_up = 3;
  sync.keep_per_board = 4;
  sync.keep_for = std::chrono::hours(1);
  Services limited(store.repositories(), accounts, published, sync);

  const Id board = shared_board();                                                 // seq 1, 2
  for (int i = 0; i < 4; ++i) elements().create(t.ctx, editor, board, note("n"));  // 3..6
  EXPECT_TRUE(limited.sync().join(t.ctx, editor, board, 2).snapshot.has_value()) << "4 > max";
  EXPECT_EQ(limited.sync().join(t.ctx, editor, board, 3).events.size(), 3u);

  EXPECT_EQ(limited.sync().prune(t.ctx), 2);  // keeps 3..6
  EXPECT_TRUE(limited.sync().join(t.ctx, editor, board, 1).snapshot.has_value()) << "2 pruned";
  EXPECT_EQ(limited.sync().join(t.ctx, editor, board, 3).events.size(), 3u);

  clock.advance(std::chrono::hours(1) + std::chrono::milliseconds(1));
  elements().create(t.ctx, editor, board, note("late"));  // seq 7, recorded now
  EXPECT_EQ(limited.sync().prune(t.ctx), 4);              // 3..6 are too old
  const JoinState state = limited.sync().join(t.ctx, editor, board, 6);
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].seq, 7);
}

}  // namespace
}  // namespace domain::test
