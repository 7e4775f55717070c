#pragma once
// Boards and their members. Viewers and editors may read a board and its member
// list; only the owner renames, deletes and manages members. A board the caller is
// not a member of is not_found, so its existence is not leaked. All methods block:
// call them on the database pool. Lists come in pages (Page, PageOf).

#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/board_events.hpp"
#include "domain/board_limits.hpp"
#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/inputs.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

class BoardService {
 public:
  // Renames, deletions and membership changes are published to `publisher`.
  BoardService(BoardRepository& boards, UserRepository& users, BoardEventPublisher& publisher,
               Clock clock = system_clock(), BoardLimits limits = {});

  Board create(const telemetry::Context& ctx, Id user_id, const BoardDraft& draft);
  PageOf<Board> list_mine(const telemetry::Context& ctx, Id user_id, const Page& page);
  Board get(const telemetry::Context& ctx, Id user_id, Id board_id);
  Board update(const telemetry::Context& ctx, Id user_id, Id board_id, const BoardPatch& patch);
  void remove(const telemetry::Context& ctx, Id user_id, Id board_id);

  // Owner only. `role` must be "editor" or "viewer" (validation_failed otherwise, and
  // for a username nobody has); conflict if the user is already a member;
  // limit_reached if the board has BoardLimits::max_members members; not_found if the
  // board is gone, also when it goes while this runs.
  Member add_member(const telemetry::Context& ctx, Id user_id, Id board_id,
                    std::string_view username, std::string_view role);
  PageOf<Member> list_members(const telemetry::Context& ctx, Id user_id, Id board_id,
                              const Page& page);
  // Owner only. Gives a member the role "editor" or "viewer" (validation_failed
  // otherwise); not_found if `member_user_id` is not a member; conflict for the owner,
  // whose role does not change. Connections of the member see the new role at once:
  // every edit is authorized against the stored role.
  Member change_member_role(const telemetry::Context& ctx, Id user_id, Id board_id,
                            Id member_user_id, std::string_view role);
  // Owner removes anyone but themselves (conflict); any member may remove
  // themselves (leave). not_found if `member_user_id` is not a member.
  void remove_member(const telemetry::Context& ctx, Id user_id, Id board_id, Id member_user_id);

 private:
  BoardRepository& boards_;
  UserRepository& users_;
  BoardEventPublisher& publisher_;
  Clock clock_;
  BoardLimits limits_;
};

}  // namespace domain
