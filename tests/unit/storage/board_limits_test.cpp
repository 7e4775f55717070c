// The caps on a board's elements and members, and writes that race with the board's
// deletion, on SQLite: what the database itself enforces under the use cases.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

using domain::DomainError;
using domain::ErrorCode;
using domain::Id;

// SQLite's board repository, except that the role check deletes the board right after
// answering: the owner's DELETE landing between a write's authorization and its
// INSERT, deterministically.
class BoardDeletedAfterAuthorization final : public domain::BoardRepository {
 public:
  explicit BoardDeletedAfterAuthorization(domain::BoardRepository& real) : real_(real) {}

  std::optional<domain::Role> role_of(const telemetry::Context& ctx, Id board_id,
                                      Id user_id) override {
    std::optional<domain::Role> role = real_.role_of(ctx, board_id, user_id);
    if (armed) {
      armed = false;
      real_.remove(ctx, board_id, 0);
    }
    return role;
  }

  domain::Board insert(const telemetry::Context& ctx, Id owner_id, const domain::BoardDraft& draft,
                       domain::UnixMillis now) override {
    return real_.insert(ctx, owner_id, draft, now);
  }
  std::optional<domain::Board> find_for_member(const telemetry::Context& ctx, Id board_id,
                                               Id user_id) override {
    return real_.find_for_member(ctx, board_id, user_id);
  }
  domain::PageOf<domain::Board> list_for_member(const telemetry::Context& ctx, Id user_id,
                                                const domain::Page& page) override {
    return real_.list_for_member(ctx, user_id, page);
  }
  std::optional<domain::BoardEvent> update(const telemetry::Context& ctx, Id board_id,
                                           const domain::BoardPatch& patch,
                                           domain::UnixMillis now) override {
    return real_.update(ctx, board_id, patch, now);
  }
  std::optional<domain::BoardEvent> remove(const telemetry::Context& ctx, Id board_id,
                                           domain::UnixMillis now) override {
    return real_.remove(ctx, board_id, now);
  }
  bool exists(const telemetry::Context& ctx, Id board_id) override {
    return real_.exists(ctx, board_id);
  }
  std::optional<domain::Recorded<domain::Member>> add_member(const telemetry::Context& ctx,
                                                             Id board_id, Id user_id,
                                                             domain::Role role,
                                                             domain::UnixMillis now,
                                                             std::int64_t max_members) override {
    return real_.add_member(ctx, board_id, user_id, role, now, max_members);
  }
  domain::PageOf<domain::Member> list_members(const telemetry::Context& ctx, Id board_id,
                                              const domain::Page& page) override {
    return real_.list_members(ctx, board_id, page);
  }
  std::optional<domain::Recorded<domain::Member>> update_member(const telemetry::Context& ctx,
                                                                Id board_id, Id user_id,
                                                                domain::Role role,
                                                                domain::UnixMillis now) override {
    return real_.update_member(ctx, board_id, user_id, role, now);
  }
  std::optional<domain::BoardEvent> remove_member(const telemetry::Context& ctx, Id board_id,
                                                  Id user_id, domain::UnixMillis now) override {
    return real_.remove_member(ctx, board_id, user_id, now);
  }

  bool armed = false;

 private:
  domain::BoardRepository& real_;
};

class BoardLimits : public StorageTest {
 protected:
  void open_with(domain::BoardLimits caps) {
    limits = caps;
    open_storage();
    owner = register_user("owner").id;
    register_user("editor");
  }

  static domain::ElementDraft note(std::string text) {
    domain::ElementDraft draft;
    draft.kind = "sticky_note";
    draft.width = 10;
    draft.height = 10;
    draft.text = std::move(text);
    return draft;
  }

  static std::string code_of(const std::function<void()>& action) {
    try {
      action();
      return "allowed";
    } catch (const DomainError& error) {
      return std::string(error.code_name());
    }
  }

  Id owner = 0;
};

TEST_F(BoardLimits, AnElementCreateWhileTheBoardIsDeletedIsNotFound) {
  open_with({});
  const domain::Repositories repos = storage->repositories();
  BoardDeletedAfterAuthorization racing(repos.boards);
  domain::NoBoardEventPublisher publisher;
  domain::ElementService elements(repos.elements, racing, publisher, clock.clock());
  const Id board = storage->boards().create(t.ctx, owner, {"Doomed", ""}).id;

  racing.armed = true;
  EXPECT_EQ(code_of([&] { elements.create(t.ctx, owner, board, note("late")); }), "not_found");
  EXPECT_FALSE(racing.armed);  // the board really went in between
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements"), "0");
}

TEST_F(BoardLimits, AMemberAddWhileTheBoardIsDeletedIsNotFound) {
  open_with({});
  const domain::Repositories repos = storage->repositories();
  BoardDeletedAfterAuthorization racing(repos.boards);
  domain::NoBoardEventPublisher publisher;
  domain::BoardService boards(racing, repos.users, publisher, clock.clock());
  const Id board = storage->boards().create(t.ctx, owner, {"Doomed", ""}).id;

  racing.armed = true;
  EXPECT_EQ(code_of([&] { boards.add_member(t.ctx, owner, board, "editor", "viewer"); }),
            "not_found");
  EXPECT_FALSE(racing.armed);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM board_members"), "0");
}

TEST_F(BoardLimits, ElementsStopAtTheCapEvenWhenCreatedConcurrently) {
  open_with({.max_elements = 40, .max_members = 1000});
  const Id board = storage->boards().create(t.ctx, owner, {"Busy", ""}).id;
  std::atomic<int> created = 0, refused = 0, other = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        const std::string code =
            code_of([&] { storage->elements().create(t.ctx, owner, board, note("n")); });
        (code == "allowed" ? created : code == "limit_reached" ? refused : other)++;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(created.load(), 40);
  EXPECT_EQ(refused.load(), 20);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements"), "40");
  EXPECT_EQ(query_text("SELECT element_count FROM boards"), "40");
}

TEST_F(BoardLimits, TheElementCountFollowsDeletesSoDeletingMakesRoom) {
  open_with({.max_elements = 2, .max_members = 1000});
  const Id board = storage->boards().create(t.ctx, owner, {"Small", ""}).id;
  const domain::Element first = storage->elements().create(t.ctx, owner, board, note("1"));
  storage->elements().create(t.ctx, owner, board, note("2"));
  EXPECT_EQ(code_of([&] { storage->elements().create(t.ctx, owner, board, note("3")); }),
            "limit_reached");
  storage->elements().remove(t.ctx, owner, board, first.id);
  EXPECT_EQ(query_text("SELECT element_count FROM boards"), "1");
  EXPECT_EQ(code_of([&] { storage->elements().create(t.ctx, owner, board, note("3")); }),
            "allowed");
  // Another board has its own count.
  const Id other = storage->boards().create(t.ctx, owner, {"Other", ""}).id;
  EXPECT_EQ(code_of([&] { storage->elements().create(t.ctx, owner, other, note("x")); }),
            "allowed");
}

TEST_F(BoardLimits, MembersStopAtTheCapTheOwnerIncluded) {
  open_with({.max_elements = 10, .max_members = 2});
  register_user("third");
  const Id board = storage->boards().create(t.ctx, owner, {"Pair", ""}).id;
  EXPECT_EQ(code_of([&] { storage->boards().add_member(t.ctx, owner, board, "editor", "viewer"); }),
            "allowed");
  EXPECT_EQ(code_of([&] { storage->boards().add_member(t.ctx, owner, board, "third", "viewer"); }),
            "limit_reached");
  EXPECT_EQ(code_of([&] { storage->boards().add_member(t.ctx, owner, board, "editor", "viewer"); }),
            "conflict");
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM board_members"), "2");
}

TEST_F(BoardLimits, ElementPagesFollowZIndexThenIdAndSurviveInserts) {
  open_with({});
  const Id board = storage->boards().create(t.ctx, owner, {"Paged", ""}).id;
  for (int i = 0; i < 5; ++i) {
    domain::ElementDraft draft = note(std::to_string(i));
    draft.z_index = i % 2;  // 0, 2, 4 at z 0; 1, 3 at z 1
    storage->elements().create(t.ctx, owner, board, draft);
  }
  const auto first = storage->elements().list(t.ctx, owner, board, {2, {}});
  ASSERT_TRUE(first.next);
  domain::ElementDraft below = note("inserted below the cursor");
  below.z_index = -1;
  storage->elements().create(t.ctx, owner, board, below);
  std::vector<std::string> seen;
  for (const auto& e : first.items) seen.push_back(e.text);
  for (auto next = first.next; next;) {
    const auto page = storage->elements().list(t.ctx, owner, board, {2, next});
    for (const auto& e : page.items) seen.push_back(e.text);
    next = page.next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "2", "4", "1", "3"}));
}

}  // namespace
}  // namespace storage::test
