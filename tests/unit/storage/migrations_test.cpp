#include <gtest/gtest.h>
#include <sqlite3.h>

#include <regex>

#include "storage/database_url.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

class Migrations : public StorageTest {};

TEST_F(Migrations, OpeningANewDatabaseAppliesAndRecordsTheSchema) {
  open_storage();
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(sqlite::migrations().size()));
  EXPECT_EQ(query_text("SELECT group_concat(version || ' ' || name, ', ') FROM (SELECT * FROM "
                       "schema_migrations ORDER BY version)"),
            "1 initial schema, 2 element count per board, 3 board events");
  const std::string applied_at =
      query_text("SELECT applied_at FROM schema_migrations WHERE version = 1");
  EXPECT_TRUE(std::regex_match(applied_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << applied_at;
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                       "('users', 'sessions', 'boards', 'board_members', 'elements', "
                       "'board_events')"),
            "6");
  EXPECT_TRUE(t.logger.has_message("storage", "migration applied"));
}

TEST_F(Migrations, ReopeningAppliesNothingTwice) {
  open_storage();
  const char* kApplied =
      "SELECT group_concat(version || ' ' || applied_at, ', ') FROM schema_migrations";
  const std::string first = query_text(kApplied);
  close_storage();
  clock.advance(std::chrono::hours(1));
  TestContext second_run;
  Storage reopened = open(second_run.ctx, "sqlite://" + path, options());
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(sqlite::migrations().size()));
  EXPECT_EQ(query_text(kApplied), first);
  EXPECT_FALSE(second_run.logger.has_message("storage", "migration applied"));
}

TEST_F(Migrations, TheElementCountIsFilledInForBoardsThatAlreadyHaveElements) {
  open_storage();
  const domain::User user = register_user("ada");
  const domain::Id board = storage->boards().create(t.ctx, user.id, {"Old", ""}).id;
  domain::ElementDraft draft;
  draft.kind = "text";
  for (int i = 0; i < 3; ++i) storage->elements().create(t.ctx, user.id, board, draft);
  close_storage();
  // Back to the schema before migration 2 (undoing the later ones), elements and all.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE board_events; ALTER TABLE boards DROP COLUMN seq; "
                         "DROP TRIGGER elements_counted_on_insert; DROP TRIGGER "
                         "elements_counted_on_delete; ALTER TABLE boards DROP COLUMN "
                         "element_count; DELETE FROM schema_migrations WHERE version >= 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  open_storage();
  EXPECT_EQ(query_text("SELECT element_count FROM boards"), "3");
}

TEST_F(Migrations, DatabaseIsInWalMode) {
  open_storage();
  // journal_mode=WAL is stored in the file itself, so a fresh reader sees it.
  EXPECT_EQ(query_text("PRAGMA journal_mode"), "wal");
}

TEST_F(Migrations, RefusesASchemaNewerThanThisBuild) {
  open_storage();
  close_storage();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                         "(999, 'from the future', 'x')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  try {
    open_storage();
    FAIL() << "expected the newer schema to be refused";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("newer than this build"), std::string::npos)
        << error.what();
  }
}

TEST_F(Migrations, PathsWithSpacesWork) {
  path = (dir / "with space" / "board.db").string();
  std::filesystem::create_directories(dir / "with space");
  open_storage();
  register_user("spacey");
  EXPECT_EQ(query_text("SELECT username FROM users"), "spacey");
}

TEST(DatabaseUrl, AcceptsRelativeAndAbsoluteSqlitePaths) {
  EXPECT_EQ(parse_database_url("sqlite://data/board.db").path, "data/board.db");
  EXPECT_EQ(parse_database_url("sqlite:///var/lib/board.db").path, "/var/lib/board.db");
}

TEST(DatabaseUrl, RejectsOtherSchemesAndEmptyPaths) {
  EXPECT_THROW(parse_database_url("postgres://user:pw@host/db"), std::invalid_argument);
  EXPECT_THROW(parse_database_url("sqlite://"), std::invalid_argument);
  EXPECT_THROW(parse_database_url("board.db"), std::invalid_argument);
  try {
    parse_database_url("postgres://user:secret@host/db");
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()).find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace storage::test
