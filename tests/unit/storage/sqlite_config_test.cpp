#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage_test_support.hpp"

namespace storage::test {
namespace {

class SqliteConfig : public StorageTest {};

// Opening the first database turns SQLite's memory statistics off (their global mutex
// was a contention point): with them off, SQLite counts no memory at all, however much
// the queries allocate.
TEST_F(SqliteConfig, MemoryStatisticsAreOffOnceADatabaseIsOpen) {
  Storage& db = open_storage();
  ASSERT_TRUE(db.ping(t.ctx));
  db.accounts().register_user(t.ctx, {"ada", "correct horse battery"});
  EXPECT_EQ(sqlite3_memory_used(), 0);
  EXPECT_EQ(sqlite3_memory_highwater(0), 0);
  EXPECT_FALSE(t.logger.has_message("storage", "sqlite3_config failed; SQLite keeps its default"));
}

// A second database in the same process needs no second configuration (SQLite refuses
// it once initialized) and opens without a warning.
TEST_F(SqliteConfig, LaterDatabasesOpenWithoutAWarning) {
  open_storage();
  close_storage();
  TestContext second;
  Storage again = open(second.ctx, "sqlite://" + path, options());
  EXPECT_TRUE(again.ping(second.ctx));
  EXPECT_FALSE(
      second.logger.has_message("storage", "sqlite3_config failed; SQLite keeps its default"));
}

}  // namespace
}  // namespace storage::test
