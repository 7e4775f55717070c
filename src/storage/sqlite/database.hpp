#pragma once
// An open SQLite database: one connection per database thread, each set up the
// same way (WAL journal, foreign keys on, busy timeout, synchronous level), with
// the schema migrated before anything else runs.

#include <soci/connection-pool.h>
#include <soci/session.h>

#include <memory>
#include <string>

#include "storage/storage.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

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

 private:
  std::string path_;
  std::size_t connections_;
  soci::connection_pool pool_;
};

// Opens `path` (created if missing), configures every connection and applies the
// pending migrations. Throws std::runtime_error if any of it fails.
std::unique_ptr<Database> open_sqlite(const telemetry::Context& ctx, const std::string& path,
                                      const SqliteOptions& options);

}  // namespace storage::sqlite
