#include "storage/sqlite/scope.hpp"

#include "storage/sqlite/prepared_statements.hpp"

namespace storage::sqlite {

namespace {

constexpr char kBeginRead[] = "BEGIN";
constexpr char kEndRead[] = "COMMIT";
constexpr char kAbandonRead[] = "ROLLBACK";

// What the current thread runs, if anything. One scope at a time: a job is synchronous,
// so scopes never nest or interleave on one thread.
struct Current {
  Database* db = nullptr;
  Connection* connection = nullptr;  // the read connection once the first read opened it
  bool writer = false;
  bool reading = false;  // a read transaction is open on `connection`
  std::vector<HeldEvent>* held = nullptr;
};

thread_local Current current;

}  // namespace

ReadScope::ReadScope(Database& db) noexcept {
  current = Current{&db, nullptr, false, false, nullptr};
}

ReadScope::~ReadScope() {
  if (current.reading) {
    try {
      run_statement(*current.connection->statements, kEndRead);
    } catch (const std::exception&) {
      // A read has nothing to keep; make sure the snapshot is let go.
      try {
        run_statement(*current.connection->statements, kAbandonRead);
      } catch (const std::exception&) {
        // SQLite ends the transaction itself when the connection is reused or closed.
      }
    }
  }
  current = Current{};
}

WriteScope::WriteScope(Database& db) noexcept {
  current = Current{&db, &db.writer(), true, false, nullptr};
}

WriteScope::~WriteScope() {
  current = Current{};
}

void WriteScope::hold_events_in(std::vector<HeldEvent>* held) noexcept {
  current.held = held;
}

std::vector<HeldEvent>* held_events() noexcept {
  return current.writer ? current.held : nullptr;
}

Use::Use(Database& db, const telemetry::Context& ctx, Access access) {
  if (current.db != &db) {
    leased_.emplace(db.pool());
    sql_ = &*leased_;
    statements_ = &db.statements(*leased_);
    return;
  }
  scoped_ = true;
  if (current.writer) {
    writer_ = true;
    sql_ = &current.connection->sql;
    statements_ = current.connection->statements.get();
    return;
  }
  if (access == Access::write) throw WriteRequired{};
  if (current.connection == nullptr) current.connection = &db.reader(ctx);
  if (!current.reading) {
    run_statement(*current.connection->statements, kBeginRead);
    current.reading = true;
  }
  sql_ = &current.connection->sql;
  statements_ = current.connection->statements.get();
}

}  // namespace storage::sqlite
