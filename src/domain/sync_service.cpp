#include "domain/sync_service.hpp"

#include "domain/authorization.hpp"
#include "domain/errors.hpp"

namespace domain {

SyncService::SyncService(BoardEventRepository& events, BoardRepository& boards, SyncOptions options,
                         Clock clock)
    : events_(events), boards_(boards), options_(options), clock_(std::move(clock)) {}

JoinState SyncService::join(const telemetry::Context& ctx, Id user_id, Id board_id,
                            std::optional<std::int64_t> since) {
  JoinState state;
  state.role = authorize(ctx, boards_, user_id, board_id, Role::viewer);
  if (since && *since >= 0) {
    std::optional<EventsAfter> missed =
        events_.events_after(ctx, board_id, *since, options_.max_catch_up);
    if (!missed) throw DomainError::not_found("board not found");
    // A client cannot be ahead of the board; one that says so has another board's
    // (or a deleted and re-created board's) history, and starts over.
    if (missed->complete && *since <= missed->current_seq) {
      state.seq = missed->events.empty() ? *since : missed->events.back().seq;
      state.events = std::move(missed->events);
      return state;
    }
  }
  std::optional<BoardSnapshot> snapshot = events_.snapshot(ctx, board_id);
  if (!snapshot) throw DomainError::not_found("board not found");
  state.seq = snapshot->seq;
  state.snapshot = std::move(snapshot);
  return state;
}

std::optional<Role> SyncService::role_of(const telemetry::Context& ctx, Id user_id, Id board_id) {
  return boards_.role_of(ctx, board_id, user_id);
}

std::int64_t SyncService::prune(const telemetry::Context& ctx) {
  const UnixMillis cutoff = to_unix_millis(clock_()) - options_.keep_for.count();
  const std::int64_t dropped = events_.prune(ctx, cutoff, options_.keep_per_board);
  if (dropped > 0) ctx.info("domain", "board events pruned", {{"events", dropped}});
  return dropped;
}

}  // namespace domain
