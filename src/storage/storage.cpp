#include "storage/storage.hpp"

#include <soci/soci.h>

#include "storage/database_url.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/traced_statement.hpp"

namespace storage {

// Members are destroyed in reverse order: the executor (declared last) stops and
// joins before the services, repositories and connections it uses go away.
struct Storage::Impl {
  std::unique_ptr<sqlite::Database> db;
  sqlite::UserRepository users;
  sqlite::SessionRepository sessions;
  sqlite::BoardRepository boards;
  sqlite::ElementRepository elements;
  domain::AccountService account_service;
  domain::BoardService board_service;
  domain::ElementService element_service;
  DbExecutor executor;

  Impl(std::unique_ptr<sqlite::Database> database, const StorageOptions& options)
      : db(std::move(database)),
        users(*db),
        sessions(*db),
        boards(*db),
        elements(*db),
        account_service(users, sessions, options.accounts),
        board_service(boards, users, options.accounts.clock),
        element_service(elements, boards, options.accounts.clock),
        executor(DbExecutorOptions{db->connections(), options.max_pending}) {}
};

Storage::Storage(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Storage::Storage(Storage&&) noexcept = default;
Storage& Storage::operator=(Storage&&) noexcept = default;
Storage::~Storage() {
  if (impl_) impl_->executor.stop();
}

domain::AccountService& Storage::accounts() noexcept {
  return impl_->account_service;
}
domain::BoardService& Storage::boards() noexcept {
  return impl_->board_service;
}
domain::ElementService& Storage::elements() noexcept {
  return impl_->element_service;
}
DbExecutor& Storage::executor() noexcept {
  return impl_->executor;
}

bool Storage::ping(const telemetry::Context& ctx) noexcept {
  constexpr char kPing[] = "SELECT 1";
  try {
    soci::session sql(impl_->db->pool());
    int one = 0;
    traced(ctx, {"SELECT", "", kPing}, [&] { sql << kPing, soci::into(one); });
    return one == 1;
  } catch (const std::exception&) {
    return false;  // already on the span and in the log
  }
}

Storage open(const telemetry::Context& ctx, std::string_view database_url,
             const StorageOptions& options) {
  const DatabaseUrl url = parse_database_url(database_url);
  // One connection per database thread: a job never waits for a connection.
  const SqliteOptions sqlite_options{options.threads == 0 ? 1 : options.threads,
                                     options.busy_timeout, options.durability};
  auto db = sqlite::open_sqlite(ctx, url.path, sqlite_options);
  return Storage(std::make_unique<Storage::Impl>(std::move(db), options));
}

}  // namespace storage
