#pragma once
// Who may do what on a board: viewers read, editors also write elements, the owner
// also manages the board and its members. Traced as an INTERNAL "authorize" span
// holding the statement that found the caller's role and the decision on it
// (authz.required_role, authz.role, authz.outcome).

#include <optional>
#include <utility>

#include "domain/entities.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

// The caller's role on the board if it is at least `required`. Throws not_found
// if the caller is not a member (or the board does not exist), forbidden if the
// role is too low.
Role authorize(const telemetry::Context& ctx, BoardRepository& boards, Id user_id, Id board_id,
               Role required);

// The two halves of authorize_with: the span, and the decision on the role found.
namespace authorization {
telemetry::Span start_span(const telemetry::Context& ctx, Id board_id, Role required);
// Records authz.role and authz.outcome on ctx's span (the authorize span), logs a
// denial, and returns `found` or throws as authorize() does.
Role decide(const telemetry::Context& ctx, Id board_id, std::optional<Role> found, Role required);
}  // namespace authorization

// The same decision on a role found by `lookup`: a statement that reads what the use
// case needs and the caller's role with it, so that no separate role check runs.
// `lookup(inner)` runs inside the authorize span (`inner` is its context) and returns
// the caller's role, nullopt if not a member or no such board.
//
//   std::optional<Board> board;
//   authorize_with(ctx, board_id, Role::viewer, [&](const telemetry::Context& inner) {
//     board = boards.find_for_member(inner, board_id, user_id);
//     return board ? std::optional<Role>(board->my_role) : std::nullopt;
//   });
template <class Lookup>
Role authorize_with(const telemetry::Context& ctx, Id board_id, Role required, Lookup&& lookup) {
  telemetry::Span span = authorization::start_span(ctx, board_id, required);
  const telemetry::Context inner = ctx.with_span(span);
  const std::optional<Role> found = std::forward<Lookup>(lookup)(inner);
  return authorization::decide(inner, board_id, found, required);
}

}  // namespace domain
