#include "domain/board_service.hpp"

#include "domain/authorization.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"

namespace domain {

BoardService::BoardService(BoardRepository& boards, UserRepository& users,
                           BoardEventPublisher& publisher, Clock clock, BoardLimits limits)
    : boards_(boards),
      users_(users),
      publisher_(publisher),
      clock_(std::move(clock)),
      limits_(limits) {}

Board BoardService::create(const telemetry::Context& ctx, Id user_id, const BoardDraft& draft) {
  validation::require_valid(validation::check_board(draft));
  Board board = boards_.insert(ctx, user_id, draft, to_unix_millis(clock_()));
  ctx.info("domain", "board created", {{"board_id", board.id}});
  return board;
}

PageOf<Board> BoardService::list_mine(const telemetry::Context& ctx, Id user_id, const Page& page) {
  validation::require_valid(validation::check_page(page));
  return boards_.list_for_member(ctx, user_id, page);
}

Board BoardService::get(const telemetry::Context& ctx, Id user_id, Id board_id) {
  // The board row carries the caller's role: one statement both reads and authorizes.
  std::optional<Board> board;
  authorize_with(ctx, board_id, Role::viewer, [&](const telemetry::Context& inner) {
    board = boards_.find_for_member(inner, board_id, user_id);
    return board ? std::optional<Role>(board->my_role) : std::nullopt;
  });
  return std::move(*board);
}

Board BoardService::update(const telemetry::Context& ctx, Id user_id, Id board_id,
                           const BoardPatch& patch) {
  validation::require_valid(validation::check_board(patch));
  authorize(ctx, boards_, user_id, board_id, Role::owner);
  const std::optional<BoardEvent> updated =
      boards_.update(ctx, board_id, patch, to_unix_millis(clock_()));
  if (!updated) throw DomainError::not_found("board not found");
  ctx.info("domain", "board updated", {{"board_id", board_id}, {"seq", updated->seq}});
  publisher_.publish(ctx, *updated);
  return get(ctx, user_id, board_id);
}

void BoardService::remove(const telemetry::Context& ctx, Id user_id, Id board_id) {
  authorize(ctx, boards_, user_id, board_id, Role::owner);
  const std::optional<BoardEvent> removed = boards_.remove(ctx, board_id, to_unix_millis(clock_()));
  if (!removed) throw DomainError::not_found("board not found");
  ctx.info("domain", "board deleted", {{"board_id", board_id}});
  publisher_.publish(ctx, *removed);
}

Member BoardService::add_member(const telemetry::Context& ctx, Id user_id, Id board_id,
                                std::string_view username, std::string_view role) {
  validation::require_valid(validation::check_member_role(role));
  authorize(ctx, boards_, user_id, board_id, Role::owner);
  const std::optional<UserWithSecret> user = users_.find_by_username(ctx, username);
  if (!user) {
    validation::require_valid({{"username", "no user has this username"}});
  }
  std::optional<Recorded<Member>> recorded =
      boards_.add_member(ctx, board_id, user->user.id, *parse_role(role), to_unix_millis(clock_()),
                         limits_.max_members);
  if (!recorded) {
    // Why nothing was written, asked afterwards: the board may have been deleted since
    // the authorization above (404, as for any board that is gone).
    if (!boards_.exists(ctx, board_id)) throw DomainError::not_found("board not found");
    if (boards_.role_of(ctx, board_id, user->user.id)) {
      throw DomainError(ErrorCode::conflict, "the user is already a member");
    }
    throw DomainError(
        ErrorCode::limit_reached,
        "the board has " + std::to_string(limits_.max_members) + " members, the most it may have");
  }
  Recorded<Member>& added = *recorded;
  ctx.info("domain", "member added",
           {{"board_id", board_id},
            {"member_user_id", added.value.user_id},
            {"role", role},
            {"seq", added.event.seq}});
  publisher_.publish(ctx, added.event);
  return std::move(added.value);
}

PageOf<Member> BoardService::list_members(const telemetry::Context& ctx, Id user_id, Id board_id,
                                          const Page& page) {
  validation::require_valid(validation::check_page(page));
  authorize(ctx, boards_, user_id, board_id, Role::viewer);
  return boards_.list_members(ctx, board_id, page);
}

Member BoardService::change_member_role(const telemetry::Context& ctx, Id user_id, Id board_id,
                                        Id member_user_id, std::string_view role) {
  validation::require_valid(validation::check_member_role(role));
  authorize(ctx, boards_, user_id, board_id, Role::owner);
  std::optional<Recorded<Member>> recorded = boards_.update_member(
      ctx, board_id, member_user_id, *parse_role(role), to_unix_millis(clock_()));
  if (!recorded) {
    // Why nothing was written, asked afterwards (as for add_member).
    if (boards_.role_of(ctx, board_id, member_user_id) == Role::owner) {
      throw DomainError(ErrorCode::conflict, "the board owner's role cannot be changed");
    }
    throw DomainError::not_found("member not found");
  }
  Recorded<Member>& updated = *recorded;
  ctx.info("domain", "member role changed",
           {{"board_id", board_id},
            {"member_user_id", member_user_id},
            {"role", role},
            {"seq", updated.event.seq}});
  publisher_.publish(ctx, updated.event);
  return std::move(updated.value);
}

void BoardService::remove_member(const telemetry::Context& ctx, Id user_id, Id board_id,
                                 Id member_user_id) {
  // Anyone may leave a board; only the owner removes others.
  const Role required = member_user_id == user_id ? Role::viewer : Role::owner;
  const Role role = authorize(ctx, boards_, user_id, board_id, required);
  const std::optional<Role> target = member_user_id == user_id
                                         ? std::optional<Role>(role)
                                         : boards_.role_of(ctx, board_id, member_user_id);
  if (!target) throw DomainError::not_found("member not found");
  if (*target == Role::owner) {
    throw DomainError(ErrorCode::conflict, "the board owner cannot be removed");
  }
  const std::optional<BoardEvent> removed =
      boards_.remove_member(ctx, board_id, member_user_id, to_unix_millis(clock_()));
  if (!removed) throw DomainError::not_found("member not found");
  ctx.info("domain", "member removed",
           {{"board_id", board_id}, {"member_user_id", member_user_id}, {"seq", removed->seq}});
  publisher_.publish(ctx, *removed);
}

}  // namespace domain
