// Elements on a board's canvas: list and read (viewer+), create, update with an
// optimistic version check, delete (editor+).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/auth.hpp"
#include "api/domain_call.hpp"
#include "api/element_input.hpp"
#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "domain/element_service.hpp"
#include "http/response.hpp"

namespace api {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// Above this many elements, encoding shows in traces as its own span: a page of large
// shapes makes a slow response, and the trace should say where the time went.
constexpr std::size_t kTracedEncodeItems = 50;

http::Response element_list_response(const telemetry::Context& ctx,
                                     const domain::PageOf<domain::Element>& page) {
  const std::vector<domain::Element>& elements = page.items;
  const auto encode = [&] {
    std::optional<std::string> cursor;
    if (page.next) cursor = encode_cursor(List::elements, *page.next);
    std::string body;
    write_element_list(body, elements, cursor);
    return http::json_text_response(beast_http::status::ok, std::move(body));
  };
  if (elements.size() <= kTracedEncodeItems) return encode();
  telemetry::Span span = ctx.span().start_child("json.encode");
  span.set_attribute("json.item_count", static_cast<std::int64_t>(elements.size()));
  http::Response response = encode();
  span.set_attribute("json.bytes", static_cast<std::int64_t>(response.body().size()));
  return response;
}

// Each handler takes the token, then reads and validates the path and body on the
// I/O thread, and only then runs the use case on the executor.

awaitable<http::Response> list_elements(Dependencies& deps, http::Request& request,
                                        const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const domain::Page page = read_page(request, List::elements);
  auto& elements = deps.services.elements();
  const domain::PageOf<domain::Element> list = co_await with_user(
      deps, token, ctx,
      [&](const domain::User& user) { return elements.list(ctx, user.id, board_id, page); });
  co_return element_list_response(ctx, list);
}

awaitable<http::Response> create_element(Dependencies& deps, http::Request& request,
                                         const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const domain::ElementDraft draft = read_element_draft(parse_json_body(request));
  auto& elements = deps.services.elements();
  const domain::Element element = co_await with_user(
      deps, token, ctx,
      [&](const domain::User& user) { return elements.create(ctx, user.id, board_id, draft); });
  co_return http::json_response(beast_http::status::created, to_json(element));
}

awaitable<http::Response> get_element(Dependencies& deps, http::Request& request,
                                      const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const auto element_id = path_id(request, "element_id", "element");
  auto& elements = deps.services.elements();
  const domain::Element element = co_await with_user(
      deps, token, ctx,
      [&](const domain::User& user) { return elements.get(ctx, user.id, board_id, element_id); });
  co_return http::json_response(beast_http::status::ok, to_json(element));
}

awaitable<http::Response> update_element(Dependencies& deps, http::Request& request,
                                         const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const auto element_id = path_id(request, "element_id", "element");
  const domain::ElementPatch patch = read_element_patch(parse_json_body(request));
  auto& elements = deps.services.elements();
  const domain::Element element =
      co_await with_user(deps, token, ctx, [&](const domain::User& user) {
        return elements.update(ctx, user.id, board_id, element_id, patch);
      });
  co_return http::json_response(beast_http::status::ok, to_json(element));
}

awaitable<http::Response> delete_element(Dependencies& deps, http::Request& request,
                                         const telemetry::Context& ctx) {
  const std::string_view token = bearer_token(request);
  const auto board_id = path_id(request, "id", "board");
  const auto element_id = path_id(request, "element_id", "element");
  auto& elements = deps.services.elements();
  co_await with_user(deps, token, ctx, [&](const domain::User& user) {
    elements.remove(ctx, user.id, board_id, element_id);
  });
  co_return http::empty_response(beast_http::status::no_content);
}

}  // namespace

void register_element_routes(http::Router& router, Dependencies& deps) {
  using beast_http::verb;
  const std::string collection = "/api/boards/{id}/elements";
  const std::string item = collection + "/{element_id}";
  add_route(router, verb::get, collection, deps, list_elements);
  add_route(router, verb::post, collection, deps, create_element);
  add_route(router, verb::get, item, deps, get_element);
  add_route(router, verb::patch, item, deps, update_element);
  add_route(router, verb::delete_, item, deps, delete_element);
}

}  // namespace api
