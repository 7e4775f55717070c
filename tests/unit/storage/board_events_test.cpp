// Board events on SQLite: each change takes the board's next seq in its own
// transaction and is stored, so a reconnecting client can catch up, also after a
// restart; refused changes take no seq; pruning keeps what the settings say.
#include <gtest/gtest.h>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

class BoardEvents : public StorageTest {
 protected:
  BoardEvents() {
    open_storage();
    alice = register_user("alice").id;
    bob = register_user("bob").id;
    board = storage->boards().create(t.ctx, alice, {"Canvas", ""}).id;
  }

  static domain::ElementDraft note(std::string text) {
    domain::ElementDraft draft;
    draft.kind = "sticky_note";
    draft.width = 100;
    draft.height = 50;
    draft.x = 1.5;
    draft.text = std::move(text);
    return draft;
  }

  domain::JoinState join(domain::Id user, std::optional<std::int64_t> since) {
    return storage->sync().join(t.ctx, user, board, since);
  }

  domain::Id alice = 0, bob = 0, board = 0;
};

TEST_F(BoardEvents, EachChangeIsStoredUnderTheBoardsNextSeq) {
  auto& elements = storage->elements();
  const auto created = elements.create_recorded(t.ctx, alice, board, note("a"));
  EXPECT_EQ(created.event.seq, 1);
  domain::ElementPatch patch;
  patch.version = 1;
  patch.text = "b";
  const auto updated = elements.update_recorded(t.ctx, alice, board, created.value.id, patch);
  EXPECT_EQ(updated.event.seq, 2);
  EXPECT_EQ(updated.value.version, 2);
  EXPECT_EQ(updated.value.created_by, alice);  // as stored, not just as patched
  storage->boards().add_member(t.ctx, alice, board, "bob", "viewer");
  EXPECT_EQ(elements.remove_recorded(t.ctx, alice, board, created.value.id).seq, 4);

  const domain::JoinState state = join(bob, 0);
  ASSERT_EQ(state.events.size(), 4u);
  EXPECT_EQ(state.events[0].type, "element.created");
  EXPECT_EQ(state.events[0].data.at("element").at("x").as_double(), 1.5);
  EXPECT_EQ(state.events[1].type, "element.updated");
  EXPECT_EQ(state.events[1].data.at("element").at("text").as_string(), "b");
  EXPECT_EQ(state.events[2].type, "member.added");
  EXPECT_EQ(state.events[2].data.at("member").at("username").as_string(), "bob");
  EXPECT_EQ(state.events[3].type, "element.deleted");
  EXPECT_EQ(state.events[3].data.at("element_id").as_int64(), created.value.id);
  EXPECT_EQ(query_text("SELECT seq FROM boards WHERE id = " + std::to_string(board)), "4");
}

TEST_F(BoardEvents, RefusedChangesTakeNoSeq) {
  auto& elements = storage->elements();
  const auto created = elements.create_recorded(t.ctx, alice, board, note("a"));
  domain::ElementPatch stale;
  stale.version = 9;
  stale.text = "late";
  EXPECT_THROW(elements.update(t.ctx, alice, board, created.value.id, stale), domain::DomainError);
  storage->boards().add_member(t.ctx, alice, board, "bob", "editor");
  EXPECT_THROW(storage->boards().add_member(t.ctx, alice, board, "bob", "viewer"),
               domain::DomainError);
  EXPECT_EQ(elements.create_recorded(t.ctx, bob, board, note("c")).event.seq, 3);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM board_events"), "3");
}

TEST_F(BoardEvents, EventsAndTheSeqSurviveARestart) {
  storage->elements().create(t.ctx, alice, board, note("a"));
  storage->elements().create(t.ctx, alice, board, note("b"));
  open_storage();
  const domain::JoinState state = join(alice, 1);
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].seq, 2);
  EXPECT_EQ(storage->elements().create_recorded(t.ctx, alice, board, note("c")).event.seq, 3);
}

TEST_F(BoardEvents, SnapshotHasTheElementsAtItsSeq) {
  storage->elements().create(t.ctx, alice, board, note("a"));
  storage->elements().create(t.ctx, alice, board, note("b"));
  const domain::JoinState state = join(alice, std::nullopt);
  ASSERT_TRUE(state.snapshot.has_value());
  EXPECT_EQ(state.snapshot->seq, 2);
  ASSERT_EQ(state.snapshot->elements.size(), 2u);
  EXPECT_EQ(state.snapshot->elements[1].text, "b");
}

TEST_F(BoardEvents, PruningByCountThenCatchUpFallsBackToASnapshot) {
  for (int i = 0; i < 5; ++i) storage->elements().create(t.ctx, alice, board, note("n"));
  // Events of a deleted board go with it.
  const domain::Id other = storage->boards().create(t.ctx, alice, {"Other", ""}).id;
  storage->elements().create(t.ctx, alice, other, note("x"));
  storage->boards().remove(t.ctx, alice, other);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM board_events"), "5");

  // keep_per_board 10000 and a day by default: nothing goes yet.
  EXPECT_EQ(storage->sync().prune(t.ctx), 0);
  clock.advance(std::chrono::hours(25));
  storage->elements().create(t.ctx, alice, board, note("new"));  // seq 6, recent
  EXPECT_EQ(storage->sync().prune(t.ctx), 5);
  EXPECT_TRUE(join(alice, 4).snapshot.has_value());
  const domain::JoinState state = join(alice, 5);
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].seq, 6);
}

}  // namespace
}  // namespace storage::test
