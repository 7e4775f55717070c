#pragma once
// The application's way in to persistence: open a DATABASE_URL, get the services
// built on its repositories and the pool to run them on.
//
//   storage::Storage db = storage::open(ctx, "sqlite://data/board.db", {});
//   auto board = co_await db.executor().run([&] { return db.boards().get(ctx, u, id); });
//
// Supported URLs: sqlite://relative/path, sqlite:///absolute/path. Opening applies
// the schema migrations (recorded in schema_migrations) before anything else.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "domain/account_service.hpp"
#include "domain/board_service.hpp"
#include "domain/clock.hpp"
#include "domain/element_service.hpp"
#include "storage/db_executor.hpp"
#include "telemetry/context.hpp"

namespace storage {

// SQLite's `synchronous` in WAL mode. normal: a commit survives the process being
// killed, not a power cut (the last commits may be lost then). full: survives both,
// at an fsync per commit.
enum class Durability { normal, full };

struct StorageOptions {
  std::size_t threads = 4;         // database threads = SQLite connections
  std::size_t max_pending = 1024;  // jobs queued or running before overloaded
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
  domain::AccountOptions accounts;  // password cost, token TTL, clock
};

struct SqliteOptions {
  std::size_t connections = 4;
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
};

class Storage {
 public:
  Storage(Storage&&) noexcept;
  Storage& operator=(Storage&&) noexcept;
  ~Storage();  // stops the pool first, then closes the connections

  domain::AccountService& accounts() noexcept;
  domain::BoardService& boards() noexcept;
  domain::ElementService& elements() noexcept;
  DbExecutor& executor() noexcept;

  // True if the database answers a trivial query. Blocks: run it on executor().
  bool ping(const telemetry::Context& ctx) noexcept;

  struct Impl;

 private:
  friend Storage open(const telemetry::Context&, std::string_view, const StorageOptions&);
  explicit Storage(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Throws std::invalid_argument for an unsupported URL, std::runtime_error if the
// database cannot be opened or migrated.
Storage open(const telemetry::Context& ctx, std::string_view database_url,
             const StorageOptions& options);

}  // namespace storage
