// Several database threads at once, as the DbExecutor runs them: SQLite serializes
// the writers (busy_timeout) and the version check keeps concurrent edits honest.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/errors.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

class Concurrency : public StorageTest {
 protected:
  Concurrency() {
    open_storage();
    alice = register_user("alice").id;
    board = storage->boards().create(t.ctx, alice, {"Busy", ""}).id;
  }
  domain::Id alice = 0;
  domain::Id board = 0;
};

TEST_F(Concurrency, ParallelWritersAllSucceed) {
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      TestContext own;
      domain::ElementDraft draft;
      draft.kind = "rectangle";
      for (int n = 0; n < kEach; ++n) {
        try {
          storage->elements().create(own.ctx, alice, board, draft);
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM elements"), std::to_string(kThreads * kEach));
}

TEST_F(Concurrency, OnlyOneOfManyEditsOfTheSameVersionWins) {
  domain::ElementDraft draft;
  draft.kind = "text";
  const domain::Id id = storage->elements().create(t.ctx, alice, board, draft).id;
  constexpr int kThreads = 4;
  std::atomic<int> won{0}, conflicted{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      TestContext own;
      domain::ElementPatch patch;
      patch.version = 1;
      patch.text = "edit " + std::to_string(i);
      try {
        storage->elements().update(own.ctx, alice, board, id, patch);
        ++won;
      } catch (const domain::DomainError& error) {
        if (error.code() == domain::ErrorCode::version_conflict) {
          ++conflicted;
        } else {
          ++other;
        }
      } catch (const std::exception&) {
        ++other;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(storage->elements().get(t.ctx, alice, board, id).version, 2);
}

}  // namespace
}  // namespace storage::test
