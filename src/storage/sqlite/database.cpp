#include "storage/sqlite/database.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>

#include "storage/sqlite/migrations.hpp"
#include "storage/traced_statement.hpp"

namespace storage::sqlite {

namespace {

std::string connect_string(const std::string& path) {
  if (path.find('"') != std::string::npos) {
    throw std::invalid_argument("database path must not contain a double quote");
  }
  return "db=\"" + path + "\"";
}

// The PRAGMA text is built from configuration numbers only, never from input.
void configure(const telemetry::Context& ctx, soci::session& sql, const SqliteOptions& options) {
  std::string journal_mode;
  constexpr char kWal[] = "PRAGMA journal_mode=WAL";
  traced(ctx, {"PRAGMA", "", kWal}, [&] { sql << kWal, soci::into(journal_mode); });
  if (journal_mode != "wal") {
    throw std::runtime_error("SQLite refused WAL mode (journal_mode=" + journal_mode + ")");
  }
  constexpr char kForeignKeys[] = "PRAGMA foreign_keys=ON";
  traced(ctx, {"PRAGMA", "", kForeignKeys}, [&] { sql << kForeignKeys; });
  const std::string busy = "PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count());
  int busy_ms = 0;
  traced(ctx, {"PRAGMA", "", busy}, [&] { sql << busy, soci::into(busy_ms); });
  const std::string synchronous = std::string("PRAGMA synchronous=") +
                                  (options.durability == Durability::full ? "FULL" : "NORMAL");
  traced(ctx, {"PRAGMA", "", synchronous}, [&] { sql << synchronous; });

  int foreign_keys = 0;
  constexpr char kCheck[] = "PRAGMA foreign_keys";
  traced(ctx, {"PRAGMA", "", kCheck}, [&] { sql << kCheck, soci::into(foreign_keys); });
  if (foreign_keys != 1) throw std::runtime_error("SQLite refused to enforce foreign keys");
}

}  // namespace

Database::Database(std::string path, std::size_t connections)
    : path_(std::move(path)), connections_(connections), pool_(connections) {}

std::unique_ptr<Database> open_sqlite(const telemetry::Context& ctx, const std::string& path,
                                      const SqliteOptions& options) {
  const std::size_t connections = options.connections == 0 ? 1 : options.connections;
  auto db = std::make_unique<Database>(path, connections);
  const std::string connect = connect_string(path);
  try {
    for (std::size_t i = 0; i < connections; ++i) {
      soci::session& sql = db->pool().at(i);
      sql.open(soci::sqlite3, connect);
      configure(ctx, sql, options);
      // Migrate once, on the first connection, before the others are used.
      if (i == 0) migrate(ctx, sql);
    }
  } catch (const soci::soci_error& error) {
    // get_error_message(): SOCI's what() may append query context.
    throw std::runtime_error("cannot open SQLite database '" + path +
                             "': " + error.get_error_message());
  } catch (const DatabaseError& error) {
    throw std::runtime_error("cannot open SQLite database '" + path + "': " + error.what());
  }
  ctx.info("storage", "database opened",
           {{"db.system.name", "sqlite"},
            {"path", path},
            {"connections", connections},
            {"synchronous", options.durability == Durability::full ? "FULL" : "NORMAL"}});
  return db;
}

}  // namespace storage::sqlite
