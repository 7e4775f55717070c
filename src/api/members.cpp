// Board members: list (viewer+), add (owner), change a role (owner), remove (owner, or a
// member leaving).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/auth.hpp"
#include "api/domain_call.hpp"
#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "domain/board_service.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;
using Need = ObjectReader::Need;

namespace {

// Each handler takes the token, then reads and validates the path and body on the
// I/O thread, and only then runs the use case on the executor.

struct NewMember {
  std::string username;
  std::string role;
};

NewMember read_new_member(const http::Request& request) {
  const auto body = parse_json_body(request);
  ObjectReader reader(require_object(body));
  auto username = reader.string("username", Need::required);
  auto role = reader.string("role", Need::required);
  reader.finish();
  return {std::move(*username), std::move(*role)};
}

std::string read_role_change(const http::Request& request) {
  const auto body = parse_json_body(request);
  ObjectReader reader(require_object(body));
  auto role = reader.string("role", Need::required);
  reader.finish();
  return std::move(*role);
}

awaitable<http::Response> list_members(Dependencies& deps, http::Request& request,
                                       const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const domain::Page page = read_page(request, List::members);
  auto& boards = deps.services.boards();
  const domain::PageOf<domain::Member> members = co_await with_user(
      deps, token, ctx,
      [&](const domain::User& user) { return boards.list_members(ctx, user.id, board_id, page); });
  boost::json::array items;
  items.reserve(members.items.size());
  for (const auto& member : members.items) items.push_back(to_json(member));
  co_return http::json_response(
      beast_http::status::ok,
      boost::json::object{{"members", std::move(items)},
                          {"next_cursor", next_cursor(List::members, members.next)}});
}

awaitable<http::Response> add_member(Dependencies& deps, http::Request& request,
                                     const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const NewMember wanted = read_new_member(request);
  auto& boards = deps.services.boards();
  const domain::Member member = co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    return boards.add_member(ctx, user.id, board_id, wanted.username, wanted.role);
  });
  co_return http::json_response(beast_http::status::created, to_json(member));
}

awaitable<http::Response> change_member_role(Dependencies& deps, http::Request& request,
                                             const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const auto member_id = path_id(request, "user_id", "member");
  const std::string role = read_role_change(request);
  auto& boards = deps.services.boards();
  const domain::Member member = co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    return boards.change_member_role(ctx, user.id, board_id, member_id, role);
  });
  co_return http::json_response(beast_http::status::ok, to_json(member));
}

awaitable<http::Response> remove_member(Dependencies& deps, http::Request& request,
                                        const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const auto member_id = path_id(request, "user_id", "member");
  auto& boards = deps.services.boards();
  co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    boards.remove_member(ctx, user.id, board_id, member_id);
  });
  co_return http::empty_response(beast_http::status::no_content);
}

}  // namespace

void register_member_routes(http::Router& router, Dependencies& deps) {
  using beast_http::verb;
  add_route(router, verb::get, "/api/boards/{id}/members", deps, list_members);
  add_route(router, verb::post, "/api/boards/{id}/members", deps, add_member);
  add_route(router, verb::patch, "/api/boards/{id}/members/{user_id}", deps, change_member_role);
  add_route(router, verb::delete_, "/api/boards/{id}/members/{user_id}", deps, remove_member);
}

}  // namespace api
