#pragma once
// An opened database, whichever kind: the domain's repositories, the executor their
// blocking calls run on, and a liveness check. One implementation per backend
// (storage/sqlite today, storage/postgres next); storage::open_backend picks it from
// DATABASE_URL. Nothing outside src/storage names a backend.
//
//   std::unique_ptr<storage::Backend> db = storage::open_backend(ctx, url, options);
//   domain::Services services(db->repositories(), account_options);
//   auto board = co_await db->executor().run([&] { return services.boards().get(...); });

#include <chrono>
#include <cstddef>
#include <string_view>

#include "domain/services.hpp"
#include "storage/executor.hpp"
#include "telemetry/context.hpp"

namespace storage {

// How far a commit is durable. normal: survives the process being killed, not a
// power cut (the last commits may be lost then). full: survives both, at an fsync
// per commit. (SQLite: `synchronous` NORMAL or FULL in WAL mode.)
enum class Durability { normal, full };

struct BackendOptions {
  std::size_t threads = 4;         // database threads (SQLite: one connection each)
  std::size_t max_pending = 1024;  // jobs queued or running before Overloaded
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
};

class Backend {
 public:
  // Implementations stop their executor (running jobs finish, queued ones are
  // dropped) before the repositories and connections go away.
  virtual ~Backend() = default;

  virtual domain::Repositories repositories() noexcept = 0;
  virtual Executor& executor() noexcept = 0;
  // True if the database answers a trivial query. Blocks: run it on executor().
  virtual bool ping(const telemetry::Context& ctx) noexcept = 0;
  // db.system.name of the OpenTelemetry conventions: "sqlite", "postgresql".
  virtual std::string_view system_name() const noexcept = 0;
};

}  // namespace storage
