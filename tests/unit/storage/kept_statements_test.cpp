// The hottest reads (the token lookup with its user, the role check, the board read
// with the caller's role, the element list) run on statements kept prepared per
// connection. What a user would notice if they were kept wrong: stale answers after a
// write, or a read transaction left open that stops SQLite from checkpointing its WAL.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

class KeptStatements : public StorageTest {
 protected:
  KeptStatements() { open_storage(); }

  static domain::ElementDraft note(std::string text) {
    domain::ElementDraft draft;
    draft.kind = "sticky_note";
    draft.x = 1.5;
    draft.y = -2.25;
    draft.width = 200;
    draft.height = 120;
    draft.style = {{"fill", "#ffeb3b"}};
    draft.text = std::move(text);
    return draft;
  }

  // PRAGMA wal_checkpoint(TRUNCATE) from a connection of its own: "busy" is 1 when a
  // reader still holds a snapshot, which a statement left un-reset does.
  int checkpoint_busy() const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    int busy = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      busy = sqlite3_column_int(statement, 0);
    } else {
      ADD_FAILURE() << "checkpoint failed: " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return busy;
  }
};

TEST_F(KeptStatements, EveryReadSeesTheWritesBeforeIt) {
  const domain::User user = register_user("ada");
  const domain::Session session = storage->accounts().login(t.ctx, {"ada", "password1"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(storage->accounts().authenticate(t.ctx, session.token).id, user.id);
  }

  const domain::Id board = storage->boards().create(t.ctx, user.id, {"First", ""}).id;
  EXPECT_EQ(storage->boards().get(t.ctx, user.id, board).name, "First");
  domain::BoardPatch rename;
  rename.name = "Second";
  storage->boards().update(t.ctx, user.id, board, rename);
  EXPECT_EQ(storage->boards().get(t.ctx, user.id, board).name, "Second");

  EXPECT_TRUE(storage->elements().list(t.ctx, user.id, board, {100, {}}).items.empty());
  storage->elements().create(t.ctx, user.id, board, note("one"));
  storage->elements().create(t.ctx, user.id, board, note("two"));
  const auto elements = storage->elements().list(t.ctx, user.id, board, {100, {}}).items;
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0].text, "one");
  EXPECT_EQ(elements[1].text, "two");
  EXPECT_EQ(elements[1].x, 1.5);
  EXPECT_EQ(elements[1].y, -2.25);
  EXPECT_EQ(elements[1].style.at("fill").as_string(), "#ffeb3b");

  storage->accounts().logout(t.ctx, session.token);
  try {
    storage->accounts().authenticate(t.ctx, session.token);
    FAIL() << "a logged-out token must not authenticate";
  } catch (const domain::DomainError& error) {
    EXPECT_EQ(error.code(), domain::ErrorCode::unauthorized);
  }
}

TEST_F(KeptStatements, ReadsLeaveNoTransactionOpenSoTheWalCanBeCheckpointed) {
  const domain::User user = register_user("ada");
  const domain::Session session = storage->accounts().login(t.ctx, {"ada", "password1"});
  const domain::Id board = storage->boards().create(t.ctx, user.id, {"Board", ""}).id;
  storage->elements().create(t.ctx, user.id, board, note("one"));

  storage->accounts().authenticate(t.ctx, session.token);
  storage->boards().get(t.ctx, user.id, board);
  storage->elements().list(t.ctx, user.id, board, {100, {}}).items;
  // A missing board (no row: the statement stops before SQLITE_DONE) too.
  EXPECT_THROW(storage->boards().get(t.ctx, user.id, board + 1), domain::DomainError);

  EXPECT_EQ(checkpoint_busy(), 0);
  EXPECT_EQ(std::filesystem::file_size(path + "-wal"), 0u);
}

}  // namespace
}  // namespace storage::test
