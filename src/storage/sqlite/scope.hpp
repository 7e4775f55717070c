#pragma once
// Which connection a repository call runs on, decided by where it runs:
//   - in a read scope (a job run inline on its calling thread, sqlite_executor.hpp):
//     reads use the thread's read-only connection, all of one job inside ONE read
//     transaction (BEGIN at its first read, COMMIT when the job ends), so SQLite takes
//     its locks once per request instead of once per statement; a write throws
//     WriteRequired, and the executor runs the job again on the writer;
//   - in a write scope (the writer thread, inside a group's transaction): every call
//     uses the writer's connection;
//   - outside both (tools, tests, start-up): a connection leased from the pool for the
//     length of the call, as a plain autocommit connection.
//
//   Use use(db_, ctx, Access::read);
//   Prepared st(use.statements(), kRoleOf);

#include <soci/session.h>

#include <optional>
#include <vector>

#include "domain/board_events.hpp"
#include "storage/sqlite/database.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

enum class Access { read, write };

// Thrown by a write in a read scope. Not a std::exception, so that no handler meant for
// failures catches it on its way to the executor.
struct WriteRequired {};

// An event a write job published, held until its group has committed.
struct HeldEvent {
  const telemetry::Context* ctx;
  domain::BoardEvent event;
  domain::BoardEventPublisher* target;
};

// The calling thread runs one job inline with `db`'s read connection.
class ReadScope {
 public:
  explicit ReadScope(Database& db) noexcept;
  ~ReadScope();  // ends the read transaction, if one began
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
};

// The calling thread (the writer) runs jobs on `db`'s writer connection, inside a
// transaction the writer manages; events published meanwhile go to hold(), if set.
class WriteScope {
 public:
  explicit WriteScope(Database& db) noexcept;
  ~WriteScope();
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

  void hold_events_in(std::vector<HeldEvent>* held) noexcept;
};

// Where events published on this thread must wait for a commit; nullptr: publish now.
std::vector<HeldEvent>* held_events() noexcept;

class Use {
 public:
  // Throws WriteRequired for a write in a read scope; DatabaseError if a connection
  // cannot be opened or the read transaction cannot begin.
  Use(Database& db, const telemetry::Context& ctx, Access access);
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  soci::session& sql() noexcept { return *sql_; }
  StatementCache& statements() { return *statements_; }
  // True inside a read or write scope: the call is already inside a transaction.
  bool in_transaction() const noexcept { return scoped_; }
  bool on_writer() const noexcept { return writer_; }

 private:
  std::optional<soci::session> leased_;
  soci::session* sql_ = nullptr;
  StatementCache* statements_ = nullptr;
  bool scoped_ = false;
  bool writer_ = false;
};

}  // namespace storage::sqlite
