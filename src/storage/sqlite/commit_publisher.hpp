#pragma once
// Board events reach their publisher only once committed. A write job runs on the
// writer inside a group's transaction (sqlite_executor.hpp) and publishes its event
// before that transaction commits: this publisher holds the event with the job, and
// the writer hands it on after the group's COMMIT, in commit order, or drops it if
// the job's write was undone. Anywhere else (calls outside the executor) it publishes
// at once, as the repository's own transaction has committed by then.

#include "domain/board_events.hpp"
#include "storage/sqlite/scope.hpp"

namespace storage::sqlite {

class CommitPublisher final : public domain::BoardEventPublisher {
 public:
  explicit CommitPublisher(domain::BoardEventPublisher& target) noexcept : target_(target) {}

  void publish(const telemetry::Context& ctx, const domain::BoardEvent& event) noexcept override {
    if (std::vector<HeldEvent>* held = held_events()) {
      try {
        held->push_back(HeldEvent{&ctx, event, &target_});
        return;
      } catch (...) {
        // Out of memory: better early than never.
      }
    }
    target_.publish(ctx, event);
  }

 private:
  domain::BoardEventPublisher& target_;
};

}  // namespace storage::sqlite
