#include "storage/sqlite/transaction.hpp"

#include <soci/soci.h>

namespace storage::sqlite {

namespace {
constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";
}  // namespace

Transaction::Transaction(const telemetry::Context& ctx, soci::session& sql) : ctx_(ctx), sql_(sql) {
  traced(ctx_, {"BEGIN", "", kBegin}, [&] { sql_ << kBegin; });
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    traced(ctx_, {"ROLLBACK", "", kRollback}, [&] { sql_ << kRollback; });
  } catch (const std::exception&) {
    // Already reported on the span; SQLite rolls back on its own if it cannot.
  }
}

void Transaction::commit() {
  traced(ctx_, {"COMMIT", "", kCommit}, [&] { sql_ << kCommit; });
  open_ = false;
}

}  // namespace storage::sqlite
