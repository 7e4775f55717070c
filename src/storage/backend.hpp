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
  // Connections for calls made outside the executor (tools, tests). SQLite runs the
  // service's reads on the calling threads and its writes on one writer thread.
  std::size_t threads = 2;
  std::size_t max_pending = 1024;  // writes queued before Overloaded
  std::size_t max_group = 64;      // writes committed in one transaction at most
  std::chrono::milliseconds busy_timeout{5000};
  Durability durability = Durability::normal;
  // A statement slower than this is logged and counted (0: never); process-wide.
  std::chrono::milliseconds slow_statement{50};
};

class Backend {
 public:
  // Implementations stop their executor (running jobs finish, queued ones are
  // dropped) before the repositories and connections go away.
  virtual ~Backend() = default;

  virtual domain::Repositories repositories() noexcept = 0;
  virtual Executor& executor() noexcept = 0;
  // A publisher that hands `target` each board event only once the change it records
  // has committed (a backend may run a change inside a larger transaction). Give it,
  // not `target`, to the services; it lives as long as the backend.
  virtual domain::BoardEventPublisher& after_commit(domain::BoardEventPublisher& target) = 0;
  // True if the database answers a trivial query. Blocks: run it on executor().
  virtual bool ping(const telemetry::Context& ctx) noexcept = 0;
  // db.system.name of the OpenTelemetry conventions: "sqlite", "postgresql".
  virtual std::string_view system_name() const noexcept = 0;
};

}  // namespace storage
