#pragma once
// A fresh SQLite database file per test, opened through the backend factory with a
// cheap password cost and a clock the test moves by hand, with the domain services
// built on its repositories as the app builds them.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "../domain/test_support.hpp"
#include "domain/services.hpp"
#include "storage/open_backend.hpp"

namespace storage::test {

using domain::test::TestContext;

struct StorageOptions : BackendOptions {
  domain::AccountOptions accounts;
  domain::BoardLimits limits;
};

// An opened backend and the services on its repositories, as src/app wires them.
class Storage {
 public:
  Storage(std::unique_ptr<Backend> backend, const domain::AccountOptions& accounts,
          const domain::BoardLimits& limits = {})
      : backend_(std::move(backend)),
        services_(std::make_unique<domain::Services>(backend_->repositories(), accounts,
                                                     *publisher_, domain::SyncOptions{}, limits)) {}
  Storage(Storage&&) noexcept = default;
  ~Storage() {
    if (backend_) backend_->executor().stop();  // no job outlives the services
  }

  domain::AccountService& accounts() noexcept { return services_->accounts(); }
  domain::BoardService& boards() noexcept { return services_->boards(); }
  domain::ElementService& elements() noexcept { return services_->elements(); }
  domain::SyncService& sync() noexcept { return services_->sync(); }
  Executor& executor() noexcept { return backend_->executor(); }
  domain::Repositories repositories() noexcept { return backend_->repositories(); }
  bool ping(const telemetry::Context& ctx) noexcept { return backend_->ping(ctx); }

 private:
  std::unique_ptr<Backend> backend_;
  // On the heap: the services keep a reference to it across a move.
  std::unique_ptr<domain::NoBoardEventPublisher> publisher_ =
      std::make_unique<domain::NoBoardEventPublisher>();
  std::unique_ptr<domain::Services> services_;
};

inline Storage open(const telemetry::Context& ctx, const std::string& url,
                    const StorageOptions& options) {
  return Storage(open_backend(ctx, url, options), options.accounts, options.limits);
}

// A clock that only moves when told to.
struct ManualClock {
  std::shared_ptr<std::atomic<std::int64_t>> millis =
      std::make_shared<std::atomic<std::int64_t>>(1795562415123);  // 2026-11-24T23:20:15.123Z

  domain::Clock clock() const {
    return [m = millis] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(m->load()));
    };
  }
  void advance(std::chrono::milliseconds by) { *millis += by.count(); }
};

class StorageTest : public ::testing::Test {
 protected:
  StorageTest() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = std::filesystem::temp_directory_path() /
          ("rb-storage-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
           std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path = (dir / "board.db").string();
  }
  ~StorageTest() override {
    storage.reset();
    std::filesystem::remove_all(dir);
  }

  StorageOptions options() const {
    StorageOptions o;
    o.limits = limits;
    o.threads = 2;
    o.accounts.password_cost = domain::PasswordCost::minimal();
    o.accounts.clock = clock.clock();
    return o;
  }

  Storage& open_storage() {
    storage.reset();
    storage = std::make_unique<Storage>(open(t.ctx, "sqlite://" + path, options()));
    return *storage;
  }
  void close_storage() { storage.reset(); }

  // Everything SQLite has written for this database: the file and its WAL.
  std::string raw_bytes() const {
    std::string all;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(path + suffix, std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  // One text value from a query, read with SQLite's own API behind our back.
  std::string query_text(const std::string& sql) const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      if (text != nullptr) value = reinterpret_cast<const char*>(text);
    } else {
      ADD_FAILURE() << "query failed: " << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
  }

  domain::User register_user(const std::string& name, const std::string& password = "password1") {
    return storage->accounts().register_user(t.ctx, {name, password});
  }

  std::filesystem::path dir;
  std::string path;
  ManualClock clock;
  domain::BoardLimits limits;  // set before open_storage() to test the caps
  TestContext t;
  std::unique_ptr<Storage> storage;
};

}  // namespace storage::test
