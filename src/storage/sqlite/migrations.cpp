#include "storage/sqlite/migrations.hpp"

#include <soci/soci.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "domain/clock.hpp"
#include "storage/sqlite/statement_span.hpp"
#include "storage/sqlite/transaction.hpp"

namespace storage::sqlite {

namespace {

// Times are unix milliseconds (INTEGER): they sort and compare without parsing.
// usernames compare without case (COLLATE NOCASE) so that "Alice" and "alice"
// are one account.
const std::vector<Migration> kMigrations = {
    {1,
     "initial schema",
     {
         R"(CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL))",
         R"(CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL))",
         "CREATE INDEX sessions_by_expiry ON sessions(expires_at)",
         R"(CREATE TABLE boards (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  owner_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL))",
         R"(CREATE TABLE board_members (
  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, user_id)))",
         "CREATE INDEX board_members_by_user ON board_members(user_id, board_id)",
         R"(CREATE TABLE elements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  x REAL NOT NULL,
  y REAL NOT NULL,
  width REAL NOT NULL,
  height REAL NOT NULL,
  rotation REAL NOT NULL,
  z_index INTEGER NOT NULL,
  style TEXT NOT NULL,
  text TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL))",
         "CREATE INDEX elements_by_board ON elements(board_id, z_index, id)",
     }},
    // The element cap is checked on every element insert: a count kept on the board row
    // makes that check one primary-key read instead of counting the board's elements.
    // Triggers keep it, so every insert and delete, the cascade of a board delete
    // included, counts.
    {2,
     "element count per board",
     {
         "ALTER TABLE boards ADD COLUMN element_count INTEGER NOT NULL DEFAULT 0",
         "UPDATE boards SET element_count = (SELECT COUNT(*) FROM elements WHERE board_id = "
         "boards.id)",
         R"(CREATE TRIGGER elements_counted_on_insert AFTER INSERT ON elements BEGIN
  UPDATE boards SET element_count = element_count + 1 WHERE id = NEW.board_id;
END)",
         R"(CREATE TRIGGER elements_counted_on_delete AFTER DELETE ON elements BEGIN
  UPDATE boards SET element_count = element_count - 1 WHERE id = OLD.board_id;
END)",
     }},
    // Every change to a board gets the board's next seq and is stored as an event in
    // the change's transaction, so a client that reconnects can catch up.
    {3,
     "board events",
     {
         "ALTER TABLE boards ADD COLUMN seq INTEGER NOT NULL DEFAULT 0",
         R"(CREATE TABLE board_events (
  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (board_id, seq)) WITHOUT ROWID)",
         "CREATE INDEX board_events_by_time ON board_events(at)",
     }},
};

constexpr char kCreateTable[] = R"(CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL))";
constexpr char kCurrentVersion[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr char kRecord[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:version, :name, "
    ":applied_at)";

std::string_view first_word(std::string_view sql) {
  return sql.substr(0, sql.find(' '));
}

}  // namespace

const std::vector<Migration>& migrations() {
  return kMigrations;
}

std::size_t migrate(const telemetry::Context& ctx, soci::session& sql) {
  traced(ctx, {"CREATE", "schema_migrations", kCreateTable}, [&] { sql << kCreateTable; });
  // One writer at a time: two processes starting together do not both migrate.
  Transaction transaction(ctx, sql);
  long long current = 0;
  traced(ctx, {"SELECT", "schema_migrations", kCurrentVersion},
         [&] { sql << kCurrentVersion, soci::into(current); });
  const long long latest = kMigrations.empty() ? 0 : kMigrations.back().version;
  if (current > latest) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this build knows (" + std::to_string(latest) + ")");
  }
  std::size_t applied = 0;
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current) continue;
    for (const std::string_view statement : migration.statements) {
      const std::string text(statement);
      traced(ctx, {first_word(statement), "", statement}, [&] { sql << text; });
    }
    long long version = migration.version;
    std::string name(migration.name);
    std::string applied_at =
        domain::format_rfc3339(domain::to_unix_millis(std::chrono::system_clock::now()));
    traced(ctx, {"INSERT", "schema_migrations", kRecord},
           [&] { sql << kRecord, soci::use(version), soci::use(name), soci::use(applied_at); });
    ctx.info("storage", "migration applied", {{"version", version}, {"name", migration.name}});
    ++applied;
  }
  transaction.commit();
  if (applied == 0) ctx.debug("storage", "schema up to date", {{"version", current}});
  return applied;
}

}  // namespace storage::sqlite
