#include "domain/authorization.hpp"

#include <string>

#include "domain/errors.hpp"

namespace domain {

Role authorize(const telemetry::Context& ctx, BoardRepository& boards, Id user_id, Id board_id,
               Role required) {
  telemetry::Span span = ctx.span().start_child("authorize", telemetry::SpanKind::internal);
  span.set_attribute("board.id", board_id);
  span.set_attribute("authz.required_role", to_string(required));
  const telemetry::Context inner = ctx.with_span(span);

  const std::optional<Role> role = boards.role_of(inner, board_id, user_id);
  if (!role) {
    // Not a member looks exactly like no such board: existence is not leaked.
    span.set_attribute("authz.outcome", "not_member");
    inner.debug("auth", "access denied: not a member", {{"board_id", board_id}});
    throw DomainError::not_found("board not found");
  }
  span.set_attribute("authz.role", to_string(*role));
  if (*role < required) {
    span.set_attribute("authz.outcome", "denied");
    inner.info("auth", "access denied: role too low",
               {{"board_id", board_id},
                {"role", to_string(*role)},
                {"required_role", to_string(required)}});
    throw DomainError(
        ErrorCode::forbidden,
        "this action needs the " + std::string(to_string(required)) + " role on the board");
  }
  span.set_attribute("authz.outcome", "allowed");
  return *role;
}

}  // namespace domain
