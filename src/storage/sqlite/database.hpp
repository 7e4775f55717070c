#pragma once
// An open SQLite database: one connection per database thread, each set up the
// same way (WAL journal, foreign keys on, busy timeout, synchronous level), with
// the schema migrated before anything else runs.

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "storage/backend.hpp"
#include "storage/sqlite/prepared_statements.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

struct SqliteOptions {
  std::size_t connections = 4;
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
};

class Database {
 public:
  Database(std::string path, std::size_t connections);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Borrow a connection for the length of one repository call:
  //   soci::session sql(db.pool());
  soci::connection_pool& pool() noexcept { return pool_; }
  const std::string& path() const noexcept { return path_; }
  std::size_t connections() const noexcept { return connections_; }

  // The reusable prepared statements of the connection `sql` has leased from pool().
  // Use them only while the lease lasts.
  StatementCache& statements(soci::session& sql);
  // Called once per connection while opening, before any job runs.
  void add_statement_cache(soci::session& sql);

 private:
  std::string path_;
  std::size_t connections_;
  soci::connection_pool pool_;
  // One per connection, found by its native handle; filled while opening and only read
  // afterwards, so lookups need no lock. Declared after pool_: the statements are
  // finalized before the connections close (SQLite refuses to close a connection that
  // still has statements).
  std::vector<std::unique_ptr<StatementCache>> statements_;
};

// Opens `path` (created if missing), configures every connection and applies the
// pending migrations. Throws std::runtime_error if any of it fails.
std::unique_ptr<Database> open_sqlite(const telemetry::Context& ctx, const std::string& path,
                                      const SqliteOptions& options);

}  // namespace storage::sqlite
