#include "api/routes.hpp"

#include "api/handlers.hpp"

namespace api {

void register_routes(http::Router& router, Dependencies& deps) {
  register_health_routes(router, deps);
  register_auth_routes(router, deps);
  register_user_routes(router, deps);
  register_board_routes(router, deps);
  register_member_routes(router, deps);
  register_element_routes(router, deps);
  register_client_log_routes(router, deps);
}

}  // namespace api
