#include "domain/authorization.hpp"

#include <string>

#include "domain/errors.hpp"

namespace domain {

namespace authorization {

telemetry::Span start_span(const telemetry::Context& ctx, Id board_id, Role required) {
  telemetry::Span span = ctx.span().start_child("authorize", telemetry::SpanKind::internal);
  span.set_attribute("board.id", board_id);
  span.set_attribute("authz.required_role", to_string(required));
  return span;
}

Role decide(const telemetry::Context& ctx, Id board_id, std::optional<Role> found, Role required) {
  telemetry::Span& span = ctx.span();
  if (!found) {
    // Not a member looks exactly like no such board: existence is not leaked.
    span.set_attribute("authz.outcome", "not_member");
    ctx.debug("auth", "access denied: not a member", {{"board_id", board_id}});
    throw DomainError::not_found("board not found");
  }
  span.set_attribute("authz.role", to_string(*found));
  if (*found < required) {
    span.set_attribute("authz.outcome", "denied");
    ctx.info("auth", "access denied: role too low",
             {{"board_id", board_id},
              {"role", to_string(*found)},
              {"required_role", to_string(required)}});
    throw DomainError(
        ErrorCode::forbidden,
        "this action needs the " + std::string(to_string(required)) + " role on the board");
  }
  span.set_attribute("authz.outcome", "allowed");
  return *found;
}

}  // namespace authorization

Role authorize(const telemetry::Context& ctx, BoardRepository& boards, Id user_id, Id board_id,
               Role required) {
  return authorize_with(ctx, board_id, required, [&](const telemetry::Context& inner) {
    return boards.role_of(inner, board_id, user_id);
  });
}

}  // namespace domain
