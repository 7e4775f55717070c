#pragma once
// An open SQLite database, with the schema migrated before anything else runs, and
// its connections, each set up the same way (WAL journal, foreign keys on, busy
// timeout, synchronous level):
//   - the writer's: every write of the service, on the writer thread (sqlite_executor);
//   - one read-only connection per thread that reads (the I/O threads), opened on the
//     thread's first read: in WAL mode a reader never waits for the writer;
//   - a small pool for calls made outside the executor (tools, tests, start-up).
// scope.hpp picks the right one for each repository call.

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/backend.hpp"
#include "storage/sqlite/prepared_statements.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

struct SqliteOptions {
  std::size_t connections = 2;  // the pool for calls outside the executor
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
};

// One connection and the statements kept prepared on it (finalized first: SQLite
// refuses to close a connection that still has statements).
struct Connection {
  soci::session sql;
  std::unique_ptr<StatementCache> statements;
};

class Database {
 public:
  Database(std::string path, std::size_t connections, SqliteOptions options);
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

  // The writer's connection; used only by the writer thread once the service runs.
  Connection& writer() noexcept { return *writer_; }
  void set_writer(std::unique_ptr<Connection> writer) noexcept { writer_ = std::move(writer); }
  // The calling thread's read-only connection, opened on its first call. Throws
  // DatabaseError if it cannot be opened.
  Connection& reader(const telemetry::Context& ctx);

 private:
  std::string path_;
  std::size_t connections_;
  SqliteOptions options_;
  std::uint64_t id_;  // tells this database from an earlier one at the same address
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;  // taken on a thread's first read only (then cached)
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
  soci::connection_pool pool_;
  // One per connection, found by its native handle; filled while opening and only read
  // afterwards, so lookups need no lock. Declared after pool_: the statements are
  // finalized before the connections close (SQLite refuses to close a connection that
  // still has statements).
  std::vector<std::unique_ptr<StatementCache>> statements_;
};

// Opens a configured connection to `path`; read_only: PRAGMA query_only.
std::unique_ptr<Connection> open_connection(const telemetry::Context& ctx, const std::string& path,
                                            const SqliteOptions& options, bool read_only);

// Opens `path` (created if missing), configures every connection and applies the
// pending migrations. Throws std::runtime_error if any of it fails.
std::unique_ptr<Database> open_sqlite(const telemetry::Context& ctx, const std::string& path,
                                      const SqliteOptions& options);

}  // namespace storage::sqlite
