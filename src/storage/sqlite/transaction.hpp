#pragma once
// A write transaction, rolled back unless committed.
//   - On the writer (scope.hpp), the group's transaction is already open: a SAVEPOINT,
//     so that a failed call undoes its own statements and nothing else (statements
//     kept prepared: they run for every write).
//   - Elsewhere: BEGIN IMMEDIATE, which takes SQLite's write lock at once, so that
//     waiting for another writer goes through busy_timeout instead of failing with
//     SQLITE_BUSY half-way through.

#include <soci/session.h>

#include "storage/sqlite/scope.hpp"
#include "storage/sqlite/statement_span.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

class Transaction {
 public:
  Transaction(const telemetry::Context& ctx, Use& use);
  // Outside any scope (migrations, at start-up).
  Transaction(const telemetry::Context& ctx, soci::session& sql);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  const telemetry::Context& ctx_;
  soci::session& sql_;
  StatementCache* statements_ = nullptr;  // the writer's, for the savepoint statements
  bool savepoint_ = false;
  bool open_ = true;
};

}  // namespace storage::sqlite
