#pragma once
// Who may do what on a board: viewers read, editors also write elements, the owner
// also manages the board and its members. Traced as an INTERNAL "authorize" span.

#include "domain/entities.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

// The caller's role on the board if it is at least `required`. Throws not_found
// if the caller is not a member (or the board does not exist), forbidden if the
// role is too low.
Role authorize(const telemetry::Context& ctx, BoardRepository& boards, Id user_id, Id board_id,
               Role required);

}  // namespace domain
