#include "storage/sqlite/transaction.hpp"

#include <soci/soci.h>

#include "storage/sqlite/prepared_statements.hpp"

namespace storage::sqlite {

namespace {
constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";
constexpr char kSavepoint[] = "SAVEPOINT call";
constexpr char kRelease[] = "RELEASE call";
constexpr char kRollbackTo[] = "ROLLBACK TO call";
}  // namespace

Transaction::Transaction(const telemetry::Context& ctx, Use& use)
    : ctx_(ctx), sql_(use.sql()), savepoint_(use.on_writer()) {
  if (savepoint_) {
    statements_ = &use.statements();
    traced(ctx_, {"SAVEPOINT", "", kSavepoint}, [&] { run_statement(*statements_, kSavepoint); });
  } else {
    traced(ctx_, {"BEGIN", "", kBegin}, [&] { sql_ << kBegin; });
  }
}

Transaction::Transaction(const telemetry::Context& ctx, soci::session& sql) : ctx_(ctx), sql_(sql) {
  traced(ctx_, {"BEGIN", "", kBegin}, [&] { sql_ << kBegin; });
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    if (savepoint_) {
      traced(ctx_, {"ROLLBACK", "", kRollbackTo},
             [&] { run_statement(*statements_, kRollbackTo); });
      traced(ctx_, {"RELEASE", "", kRelease}, [&] { run_statement(*statements_, kRelease); });
    } else {
      traced(ctx_, {"ROLLBACK", "", kRollback}, [&] { sql_ << kRollback; });
    }
  } catch (const std::exception&) {
    // Already reported on the span; SQLite rolls back on its own if it cannot.
  }
}

void Transaction::commit() {
  if (savepoint_) {
    traced(ctx_, {"RELEASE", "", kRelease}, [&] { run_statement(*statements_, kRelease); });
  } else {
    traced(ctx_, {"COMMIT", "", kCommit}, [&] { sql_ << kCommit; });
  }
  open_ = false;
}

}  // namespace storage::sqlite
