#pragma once
// A write transaction that takes SQLite's write lock at BEGIN (IMMEDIATE), so that
// waiting for another writer goes through busy_timeout instead of failing with
// SQLITE_BUSY half-way through. Rolls back unless committed.

#include <soci/session.h>

#include "storage/sqlite/statement_span.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

class Transaction {
 public:
  Transaction(const telemetry::Context& ctx, soci::session& sql);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  const telemetry::Context& ctx_;
  soci::session& sql_;
  bool open_ = true;
};

}  // namespace storage::sqlite
