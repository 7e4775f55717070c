#include "storage/sqlite/database.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/statement_span.hpp"

namespace storage::sqlite {

namespace {

std::string connect_string(const std::string& path) {
  if (path.find('"') != std::string::npos) {
    throw std::invalid_argument("database path must not contain a double quote");
  }
  return "db=\"" + path + "\"";
}

// The PRAGMA text is built from configuration numbers only, never from input.
// Not statement spans: a thread opens its read connection during its first request,
// whose trace would otherwise show set-up that is not the request's.
void configure_reader(soci::session& sql, const SqliteOptions& options) {
  // The file is in WAL mode already (the writer set it, and it persists): a reader
  // only needs its wait limit, and refuses writes so that none slips past the writer.
  int busy_ms = 0;
  sql << "PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count()), soci::into(busy_ms);
  sql << "PRAGMA query_only=ON";
}

void configure(const telemetry::Context& ctx, soci::session& sql, const SqliteOptions& options) {
  std::string journal_mode;
  constexpr char kWal[] = "PRAGMA journal_mode=WAL";
  traced(ctx, {"PRAGMA", "", kWal}, [&] { sql << kWal, soci::into(journal_mode); });
  if (journal_mode != "wal") {
    throw std::runtime_error("SQLite refused WAL mode (journal_mode=" + journal_mode + ")");
  }
  constexpr char kForeignKeys[] = "PRAGMA foreign_keys=ON";
  traced(ctx, {"PRAGMA", "", kForeignKeys}, [&] { sql << kForeignKeys; });
  const std::string busy = "PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count());
  int busy_ms = 0;
  traced(ctx, {"PRAGMA", "", busy}, [&] { sql << busy, soci::into(busy_ms); });
  const std::string synchronous = std::string("PRAGMA synchronous=") +
                                  (options.durability == Durability::full ? "FULL" : "NORMAL");
  traced(ctx, {"PRAGMA", "", synchronous}, [&] { sql << synchronous; });

  int foreign_keys = 0;
  constexpr char kCheck[] = "PRAGMA foreign_keys";
  traced(ctx, {"PRAGMA", "", kCheck}, [&] { sql << kCheck, soci::into(foreign_keys); });
  if (foreign_keys != 1) throw std::runtime_error("SQLite refused to enforce foreign keys");
}

// Process-wide SQLite settings; sqlite3_config only works before sqlite3_initialize,
// which the first sqlite3_open_v2 (SOCI's) runs implicitly, so this must come first.
//
// MEMSTATUS off: with it on (Debian's default) every sqlite3_malloc/sqlite3_free takes
// one process-wide mutex to keep the statistics, which the database threads contend
// for on every statement (14 % of a board read's CPU was futex waits on it). Nothing
// here reads sqlite3_memory_used().
//
// MULTITHREAD instead of SERIALIZED: no mutex per connection and per prepared
// statement. Safe because a connection is only ever used by one thread at a time: it
// is opened and configured on the starting thread before any job runs, then leased
// from the soci::connection_pool for the length of one repository call by one
// database thread, and the cached prepared statements belong to their connection and
// are used only while it is leased. SOCI opens without SQLITE_OPEN_FULLMUTEX, so this
// global mode is the one that applies.
struct ProcessConfig {
  int memstatus = SQLITE_OK;
  int multithread = SQLITE_OK;
};

const ProcessConfig& configure_process() {
  static std::once_flag once;
  static ProcessConfig result;
  std::call_once(once, [] {
    result.memstatus = sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    result.multithread = sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  });
  return result;
}

// SQLITE_MISUSE means SQLite was initialized before the first database was opened
// (something else in the process used it first): correct, only slower. Logged at
// every open so that it is seen, not only by the first caller.
void report_process_config(const telemetry::Context& ctx, const ProcessConfig& config) {
  const auto report = [&ctx](std::string_view option, int rc) {
    if (rc == SQLITE_OK) return;
    ctx.warn("storage", "sqlite3_config failed; SQLite keeps its default",
             {{"option", option},
              {"db.response.status_code", std::int64_t{rc}},
              {"error.message", std::string_view(sqlite_api::sqlite3_errstr(rc))}});
  };
  report("SQLITE_CONFIG_MEMSTATUS", config.memstatus);
  report("SQLITE_CONFIG_MULTITHREAD", config.multithread);
}

// The connection under a SOCI session (for a pooled session, the leased one's).
sqlite_api::sqlite3* native_handle(soci::session& sql) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  if (backend == nullptr || backend->conn_ == nullptr) {
    throw std::logic_error("SQLite session is not connected");
  }
  return backend->conn_;
}

std::atomic<std::uint64_t> next_database_id{1};

}  // namespace

Database::Database(std::string path, std::size_t connections, SqliteOptions options)
    : path_(std::move(path)),
      connections_(connections),
      options_(options),
      id_(next_database_id.fetch_add(1)),
      pool_(connections) {}

Connection& Database::reader(const telemetry::Context& ctx) {
  // One entry per thread: the database this thread read last and its connection there.
  thread_local std::uint64_t cached_id = 0;
  thread_local Connection* cached = nullptr;
  if (cached_id == id_) return *cached;
  const std::lock_guard lock(readers_mutex_);
  std::unique_ptr<Connection>& slot = readers_[std::this_thread::get_id()];
  if (!slot) slot = open_connection(ctx, path_, options_, true);
  cached_id = id_;
  cached = slot.get();
  return *cached;
}

std::unique_ptr<Connection> open_connection(const telemetry::Context& ctx, const std::string& path,
                                            const SqliteOptions& options, bool read_only) {
  auto connection = std::make_unique<Connection>();
  try {
    connection->sql.open(soci::sqlite3, connect_string(path));
    if (read_only) {
      configure_reader(connection->sql, options);
    } else {
      configure(ctx, connection->sql, options);
    }
  } catch (const soci::soci_error& error) {
    throw DatabaseError("soci_error", -1,
                        "cannot open SQLite database '" + path + "': " + error.get_error_message());
  }
  connection->statements = std::make_unique<StatementCache>(native_handle(connection->sql));
  return connection;
}

void Database::add_statement_cache(soci::session& sql) {
  statements_.push_back(std::make_unique<StatementCache>(native_handle(sql)));
}

StatementCache& Database::statements(soci::session& sql) {
  sqlite_api::sqlite3* connection = native_handle(sql);
  for (const auto& cache : statements_) {
    if (cache->connection() == connection) return *cache;
  }
  throw std::logic_error("SQLite connection does not belong to this database");
}

std::unique_ptr<Database> open_sqlite(const telemetry::Context& ctx, const std::string& path,
                                      const SqliteOptions& options) {
  report_process_config(ctx, configure_process());
  // A new database may live in a folder that does not exist yet (data/ on a fresh
  // clone): make it, as "the file is created at start-up" promises.
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code made;
  if (!parent.empty()) std::filesystem::create_directories(parent, made);
  if (made) {
    throw std::runtime_error("cannot create the folder '" + parent.string() +
                             "' for the SQLite database: " + made.message());
  }
  const std::size_t connections = options.connections == 0 ? 1 : options.connections;
  auto db = std::make_unique<Database>(path, connections, options);
  const std::string connect = connect_string(path);
  try {
    for (std::size_t i = 0; i < connections; ++i) {
      soci::session& sql = db->pool().at(i);
      sql.open(soci::sqlite3, connect);
      configure(ctx, sql, options);
      db->add_statement_cache(sql);
      // Migrate once, on the first connection, before the others are used.
      if (i == 0) migrate(ctx, sql);
    }
    db->set_writer(open_connection(ctx, path, options, false));
  } catch (const soci::soci_error& error) {
    // get_error_message(): SOCI's what() may append query context.
    throw std::runtime_error("cannot open SQLite database '" + path +
                             "': " + error.get_error_message());
  } catch (const DatabaseError& error) {
    throw std::runtime_error("cannot open SQLite database '" + path + "': " + error.what());
  }
  ctx.info("storage", "database opened",
           {{"db.system.name", kSystemName},
            {"path", path},
            {"connections", connections},
            {"synchronous", options.durability == Durability::full ? "FULL" : "NORMAL"}});
  return db;
}

}  // namespace storage::sqlite
