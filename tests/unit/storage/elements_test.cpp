#include <gtest/gtest.h>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

using domain::DomainError;
using domain::ElementKind;
using domain::ErrorCode;

class Elements : public StorageTest {
 protected:
  Elements() {
    open_storage();
    alice = register_user("alice").id;
    board = storage->boards().create(t.ctx, alice, {"Canvas", ""}).id;
  }
  domain::ElementService& elements() { return storage->elements(); }

  static domain::ElementDraft note(std::string text, std::int64_t z = 0) {
    domain::ElementDraft draft;
    draft.kind = "sticky_note";
    draft.x = 10.5;
    draft.y = -3.25;
    draft.width = 200;
    draft.height = 120;
    draft.rotation = -15;
    draft.z_index = z;
    draft.style = {{"fill", "#ffeb3b"}, {"font", {{"size", 14}, {"bold", true}}}};
    draft.text = std::move(text);
    return draft;
  }

  domain::Id alice = 0;
  domain::Id board = 0;
};

TEST_F(Elements, CreatedElementHasEveryFieldAndVersionOne) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("hello"));
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.board_id, board);
  EXPECT_EQ(e.kind, ElementKind::sticky_note);
  EXPECT_EQ(e.x, 10.5);
  EXPECT_EQ(e.y, -3.25);
  EXPECT_EQ(e.width, 200);
  EXPECT_EQ(e.height, 120);
  EXPECT_EQ(e.rotation, -15);
  EXPECT_EQ(e.text, "hello");
  EXPECT_EQ(e.version, 1);
  EXPECT_EQ(e.created_by, alice);
  EXPECT_EQ(e.created_at, "2026-11-24T23:20:15.123Z");

  const domain::Element read = elements().get(t.ctx, alice, board, e.id);
  EXPECT_EQ(read.style, note("").style);
  EXPECT_EQ(read.x, 10.5);
  EXPECT_EQ(read.version, 1);
}

TEST_F(Elements, ListIsOrderedByZIndex) {
  elements().create(t.ctx, alice, board, note("top", 5));
  elements().create(t.ctx, alice, board, note("bottom", -2));
  elements().create(t.ctx, alice, board, note("middle", 0));
  const auto list = elements().list(t.ctx, alice, board, {100, {}}).items;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].text, "bottom");
  EXPECT_EQ(list[1].text, "middle");
  EXPECT_EQ(list[2].text, "top");
}

TEST_F(Elements, UnknownKindsAndBadRangesAreRejected) {
  domain::ElementDraft draft = note("x");
  draft.kind = "hexagon";
  draft.width = 1e6;
  try {
    elements().create(t.ctx, alice, board, draft);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    ASSERT_EQ(error.details().size(), 2u);
    EXPECT_EQ(error.details()[0].field, "kind");
    EXPECT_EQ(error.details()[1].field, "width");
  }
  EXPECT_TRUE(elements().list(t.ctx, alice, board, {100, {}}).items.empty());
}

TEST_F(Elements, UpdateIsPartialAndBumpsTheVersion) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("hello"));
  clock.advance(std::chrono::seconds(2));
  domain::ElementPatch patch;
  patch.version = 1;
  patch.x = 99;
  patch.text = "moved";
  const domain::Element updated = elements().update(t.ctx, alice, board, e.id, patch);
  EXPECT_EQ(updated.version, 2);
  EXPECT_EQ(updated.x, 99);
  EXPECT_EQ(updated.text, "moved");
  EXPECT_EQ(updated.y, -3.25);  // untouched
  EXPECT_EQ(updated.style, e.style);
  EXPECT_EQ(updated.updated_at, "2026-11-24T23:20:17.123Z");
  EXPECT_EQ(updated.created_at, e.created_at);

  const domain::Element stored = elements().get(t.ctx, alice, board, e.id);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(stored.x, 99);
  EXPECT_EQ(stored.text, "moved");
  EXPECT_EQ(stored.updated_at, updated.updated_at);
}

TEST_F(Elements, StaleVersionConflictsAndCarriesTheCurrentElement) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("v1"));
  domain::ElementPatch first;
  first.version = 1;
  first.text = "v2 by bob";
  elements().update(t.ctx, alice, board, e.id, first);

  domain::ElementPatch stale;
  stale.version = 1;
  stale.text = "v2 by carol";
  try {
    elements().update(t.ctx, alice, board, e.id, stale);
    FAIL() << "expected a version conflict";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::version_conflict);
    ASSERT_NE(error.current_element(), nullptr);
    EXPECT_EQ(error.current_element()->id, e.id);
    EXPECT_EQ(error.current_element()->version, 2);
    EXPECT_EQ(error.current_element()->text, "v2 by bob");
  }
  EXPECT_EQ(elements().get(t.ctx, alice, board, e.id).text, "v2 by bob");
}

TEST_F(Elements, ElementsBelongToTheirBoard) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("mine"));
  const domain::Id other = storage->boards().create(t.ctx, alice, {"Other", ""}).id;
  domain::ElementPatch patch;
  patch.version = 1;
  patch.x = 1;
  EXPECT_THROW(elements().get(t.ctx, alice, other, e.id), DomainError);
  try {
    elements().update(t.ctx, alice, other, e.id, patch);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
  try {
    elements().remove(t.ctx, alice, other, e.id);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
  EXPECT_EQ(elements().get(t.ctx, alice, board, e.id).text, "mine");
}

TEST_F(Elements, DeletedElementIsGone) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("bye"));
  elements().remove(t.ctx, alice, board, e.id);
  try {
    elements().get(t.ctx, alice, board, e.id);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
  EXPECT_THROW(elements().remove(t.ctx, alice, board, e.id), DomainError);
}

TEST_F(Elements, EverythingSurvivesAReopen) {
  const domain::Element e = elements().create(t.ctx, alice, board, note("persisted", 7));
  domain::ElementPatch patch;
  patch.version = 1;
  patch.rotation = 90;
  elements().update(t.ctx, alice, board, e.id, patch);
  const domain::Session session = storage->accounts().login(t.ctx, {"alice", "password1"});
  close_storage();

  open_storage();
  EXPECT_EQ(storage->accounts().authenticate(t.ctx, session.token).id, alice);
  EXPECT_EQ(storage->boards().get(t.ctx, alice, board).name, "Canvas");
  const auto list = elements().list(t.ctx, alice, board, {100, {}}).items;
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].text, "persisted");
  EXPECT_EQ(list[0].rotation, 90);
  EXPECT_EQ(list[0].version, 2);
  EXPECT_EQ(list[0].z_index, 7);
  EXPECT_EQ(list[0].style, note("").style);
}

}  // namespace
}  // namespace storage::test
