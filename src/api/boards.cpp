// Boards: create, list the caller's, read, update (owner), delete (owner).
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

domain::BoardDraft read_draft(const http::Request& request) {
  const auto body = parse_json_body(request);
  ObjectReader reader(require_object(body));
  auto name = reader.string("name", Need::required);
  auto description = reader.nullable_string("description");
  reader.finish();
  return domain::BoardDraft{std::move(*name), description.value_or("")};
}

domain::BoardPatch read_patch(const http::Request& request) {
  const auto body = parse_json_body(request);
  ObjectReader reader(require_object(body));
  domain::BoardPatch patch;
  patch.name = reader.string("name");
  patch.description = reader.nullable_string("description");
  if (!reader.has("name") && !reader.has("description")) {
    reader.add_error("body", "needs at least one of name, description");
  }
  reader.finish();
  return patch;
}

// Each handler takes the token, then reads and validates the path and body on the
// I/O thread, and only then runs the use case on the executor.

awaitable<http::Response> create_board(Dependencies& deps, http::Request& request,
                                       const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const domain::BoardDraft draft = read_draft(request);
  auto& boards = deps.services.boards();
  const domain::Board board = co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    return boards.create(ctx, user.id, draft);
  });
  co_return http::json_response(beast_http::status::created, to_json(board));
}

awaitable<http::Response> list_boards(Dependencies& deps, http::Request& request,
                                      const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const domain::Page page = read_page(request, List::boards);
  auto& boards = deps.services.boards();
  const domain::PageOf<domain::Board> list = co_await with_user(
      deps, token, ctx,
      [&](const domain::User& user) { return boards.list_mine(ctx, user.id, page); });
  boost::json::array items;
  items.reserve(list.items.size());
  for (const auto& board : list.items) items.push_back(to_json(board));
  co_return http::json_response(
      beast_http::status::ok,
      boost::json::object{{"boards", std::move(items)},
                          {"next_cursor", next_cursor(List::boards, list.next)}});
}

awaitable<http::Response> get_board(Dependencies& deps, http::Request& request,
                                    const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  auto& boards = deps.services.boards();
  const domain::Board board = co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    return boards.get(ctx, user.id, board_id);
  });
  std::string body;
  write_board(body, board);
  co_return http::json_text_response(beast_http::status::ok, std::move(body));
}

awaitable<http::Response> update_board(Dependencies& deps, http::Request& request,
                                       const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const domain::BoardPatch patch = read_patch(request);
  auto& boards = deps.services.boards();
  const domain::Board board = co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    return boards.update(ctx, user.id, board_id, patch);
  });
  co_return http::json_response(beast_http::status::ok, to_json(board));
}

awaitable<http::Response> delete_board(Dependencies& deps, http::Request& request,
                                       const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  auto& boards = deps.services.boards();
  co_await with_user(deps, token, ctx,
                     [&](const domain::User& user) { boards.remove(ctx, user.id, board_id); });
  co_return http::empty_response(beast_http::status::no_content);
}

}  // namespace

void register_board_routes(http::Router& router, Dependencies& deps) {
  using beast_http::verb;
  add_route(router, verb::post, "/api/boards", deps, create_board);
  add_route(router, verb::get, "/api/boards", deps, list_boards);
  add_route(router, verb::get, "/api/boards/{id}", deps, get_board);
  add_route(router, verb::patch, "/api/boards/{id}", deps, update_board);
  add_route(router, verb::delete_, "/api/boards/{id}", deps, delete_board);
}

}  // namespace api
