#include "storage/sqlite/sqlite_backend.hpp"

#include <soci/soci.h>

#include <list>

#include "storage/slow_statements.hpp"
#include "storage/sqlite/commit_publisher.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/sqlite_executor.hpp"
#include "storage/sqlite/statement_span.hpp"

namespace storage::sqlite {

namespace {

// Members are destroyed in reverse order, and the destructor stops the executor
// first: a running group finishes before the repositories and connections it uses go.
class SqliteBackend final : public Backend {
 public:
  SqliteBackend(std::unique_ptr<Database> database, const BackendOptions& options,
                const telemetry::logs::Logger& logger)
      : logger_(logger),
        db_(std::move(database)),
        users_(*db_),
        sessions_(*db_),
        boards_(*db_),
        elements_(*db_),
        events_(*db_),
        executor_(*db_, WriterOptions{options.max_pending, options.max_group}) {}
  ~SqliteBackend() override {
    executor_.stop();
    // How well the writer grouped: writes per commit, and how often a group was capped.
    const std::uint64_t groups = executor_.groups();
    const std::uint64_t writes = executor_.writes();
    logger_.info("storage", "write group totals",
                 {{"groups", static_cast<std::int64_t>(groups)},
                  {"writes", static_cast<std::int64_t>(writes)},
                  {"full_groups", static_cast<std::int64_t>(executor_.full_groups())},
                  {"writes_per_group",
                   groups == 0 ? 0.0 : static_cast<double>(writes) / static_cast<double>(groups)}});
  }

  domain::Repositories repositories() noexcept override {
    return {users_, sessions_, boards_, elements_, events_};
  }
  Executor& executor() noexcept override { return executor_; }
  std::string_view system_name() const noexcept override { return kSystemName; }

  domain::BoardEventPublisher& after_commit(domain::BoardEventPublisher& target) override {
    return publishers_.emplace_back(target);
  }

  bool ping(const telemetry::Context& ctx) noexcept override {
    constexpr char kPing[] = "SELECT 1";
    try {
      Use use(*db_, ctx, Access::read);
      int one = 0;
      traced(ctx, {"SELECT", "", kPing}, [&] { use.sql() << kPing, soci::into(one); });
      return one == 1;
    } catch (const std::exception&) {
      return false;  // already on the span and in the log
    }
  }

 private:
  const telemetry::logs::Logger& logger_;  // outlives the backend (the service's)
  std::unique_ptr<Database> db_;
  UserRepository users_;
  SessionRepository sessions_;
  BoardRepository boards_;
  ElementRepository elements_;
  BoardEventRepository events_;
  std::list<CommitPublisher> publishers_;  // a list: references to them stay valid
  SqliteExecutor executor_;
};

}  // namespace

std::unique_ptr<Backend> open_backend(const telemetry::Context& ctx, const std::string& path,
                                      const BackendOptions& options) {
  SlowStatements::set_threshold(options.slow_statement);
  const SqliteOptions sqlite_options{options.threads == 0 ? 1 : options.threads,
                                     options.busy_timeout, options.durability};
  return std::make_unique<SqliteBackend>(open_sqlite(ctx, path, sqlite_options), options,
                                         ctx.logger());
}

}  // namespace storage::sqlite
