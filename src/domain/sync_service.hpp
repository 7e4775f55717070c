#pragma once
// What a live client needs beyond the board's use cases: on (re)joining, the events
// it missed since the last seq it saw, or a snapshot of the board when those are no
// longer all kept; and the pruning of old events by age and count. All methods
// block: call them on the database pool.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "domain/board_events.hpp"
#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

struct SyncOptions {
  // More missed events than this and a snapshot is cheaper for everyone.
  std::size_t max_catch_up = 1000;
  // Events are kept at least this long, and at most this many per board.
  std::chrono::milliseconds keep_for{std::chrono::hours(24)};
  std::int64_t keep_per_board = 10'000;
};

struct JoinState {
  Role role = Role::viewer;
  std::int64_t seq = 0;  // the seq the client is at once it has applied what follows
  // Exactly one of these: the events after `since`, or the whole board.
  std::optional<BoardSnapshot> snapshot;
  std::vector<BoardEvent> events;
};

class SyncService {
 public:
  SyncService(BoardEventRepository& events, BoardRepository& boards, SyncOptions options,
              Clock clock = system_clock());

  // Viewer or better; not_found otherwise. `since` is the last seq the client saw
  // (nullopt: it has nothing yet, so a snapshot).
  JoinState join(const telemetry::Context& ctx, Id user_id, Id board_id,
                 std::optional<std::int64_t> since);

  // The caller's role on the board now (nullopt: no longer a member).
  std::optional<Role> role_of(const telemetry::Context& ctx, Id user_id, Id board_id);

  // Drops events past the kept age and count; returns how many.
  std::int64_t prune(const telemetry::Context& ctx);

  const SyncOptions& options() const noexcept { return options_; }

 private:
  BoardEventRepository& events_;
  BoardRepository& boards_;
  SyncOptions options_;
  Clock clock_;
};

}  // namespace domain
