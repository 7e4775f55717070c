#include "realtime/routes.hpp"

#include <algorithm>
#include <boost/beast/websocket/rfc6455.hpp>
#include <charconv>

#include "api/auth.hpp"
#include "api/json_input.hpp"
#include "domain/errors.hpp"

namespace realtime {

namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// The subprotocol a browser offers besides "realtime-board" to carry its token
// (browsers cannot set headers on a WebSocket).
constexpr std::string_view kProtocol = "realtime-board";
constexpr std::string_view kTokenProtocol = "access_token.";

// Takes the connection over for the HTTP session once the upgrade is accepted.
class ClientUpgrade final : public http::Upgrade {
 public:
  explicit ClientUpgrade(std::shared_ptr<Client> client) : client_(std::move(client)) {}
  awaitable<bool> accept(boost::beast::tcp_stream& stream, const http::RawRequest& request,
                         std::vector<std::pair<std::string, std::string>> headers) override {
    return client_->accept(stream, request, std::move(headers));
  }
  awaitable<void> run() override { return client_->run(); }
  void close_for_shutdown() noexcept override {
    client_->close(static_cast<std::uint16_t>(boost::beast::websocket::close_code::going_away),
                   "server shutting down");
  }

 private:
  std::shared_ptr<Client> client_;
};

struct Credentials {
  std::string token;
  std::string subprotocol;  // to answer with; empty for none
};

Credentials credentials_of(const http::Request& request) {
  Credentials found;
  // Offered subprotocols: "realtime-board, access_token.<token>".
  std::string_view offered = request.header(beast_http::field::sec_websocket_protocol);
  std::string from_protocol;
  while (!offered.empty()) {
    const std::size_t comma = offered.find(',');
    std::string_view item = offered.substr(0, comma);
    offered = comma == std::string_view::npos ? std::string_view{} : offered.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == kProtocol) found.subprotocol = kProtocol;
    if (item.starts_with(kTokenProtocol)) from_protocol = item.substr(kTokenProtocol.size());
  }
  if (!request.header(beast_http::field::authorization).empty()) {
    found.token = std::string(api::bearer_token(request));
  } else if (auto query = request.query_param("access_token"); query && !query->empty()) {
    found.token = std::move(*query);
  } else if (!from_protocol.empty()) {
    found.token = std::move(from_protocol);
  } else {
    throw api::unauthorized(
        "this upgrade needs a token: Authorization: Bearer <token>, ?access_token=<token> or "
        "the subprotocol access_token.<token>",
        false);
  }
  return found;
}

std::optional<std::int64_t> since_of(const http::Request& request) {
  const auto since = request.query_param("since");
  if (!since) return std::nullopt;
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(since->data(), since->data() + since->size(), value);
  if (ec != std::errc() || end != since->data() + since->size() || value < 0) {
    throw http::ApiError(beast_http::status::bad_request, "bad_request",
                         "since must be the last seq the client saw (an integer >= 0)");
  }
  return value;
}

// `cursors=batched`: the client takes the cursor moves queued for it as one
// `cursor.moved.batch` frame (docs/realtime.md); absent: one frame per move.
bool cursors_batched(const http::Request& request) {
  const auto cursors = request.query_param("cursors");
  if (!cursors) return false;
  if (*cursors == "batched") return true;
  if (*cursors == "single") return false;
  throw http::ApiError(beast_http::status::bad_request, "bad_request",
                       "cursors must be batched or single");
}

void check_origin(const Options& options, const http::Request& request) {
  const std::string_view origin = request.header(beast_http::field::origin);
  if (options.allowed_origins.empty() || origin.empty()) return;  // not a browser, or any
  if (std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) ==
      options.allowed_origins.end()) {
    throw http::ApiError(beast_http::status::forbidden, "forbidden",
                         "this origin may not open a board's WebSocket");
  }
}

awaitable<std::unique_ptr<http::Upgrade>> upgrade_board(Services& services, http::Request& request,
                                                        const telemetry::Context& ctx) {
  if (!boost::beast::websocket::is_upgrade(request.raw)) {
    http::ApiError error(beast_http::status::upgrade_required, "upgrade_required",
                         "this route speaks WebSocket: send Upgrade: websocket");
    error.headers.emplace_back("Upgrade", "websocket");
    throw error;
  }
  check_origin(services.options, request);
  const Credentials credentials = credentials_of(request);
  const auto board_id = api::path_id(request, "id", "board");
  Admitted admitted;
  admitted.since = since_of(request);
  admitted.cursors_batched = cursors_batched(request);
  admitted.subprotocol = credentials.subprotocol;
  auto& sync = services.api.services.sync();
  admitted.user =
      co_await api::with_user(services.api, credentials.token, ctx, [&](const domain::User& user) {
        if (!sync.role_of(ctx, user.id, board_id)) {
          throw domain::DomainError::not_found("board not found");
        }
        return user;
      });
  admitted.board_id = board_id;
  switch (services.hub.admission(board_id, admitted.user.id)) {
    case Admission::admitted:
      break;
    case Admission::board_full:
      throw http::ApiError(beast_http::status::too_many_requests, "too_many_connections",
                           "this board has as many live connections as it takes");
    case Admission::user_full:
      throw http::ApiError(beast_http::status::too_many_requests, "too_many_connections",
                           "this user has as many live connections as allowed");
  }
  admitted.upgrade_span = ctx.span().context();
  admitted.request_id = ctx.request_id();
  co_return std::make_unique<ClientUpgrade>(
      std::make_shared<Client>(services, std::move(admitted)));
}

}  // namespace

void register_routes(http::Router& router, Services& services) {
  router.add_upgrade("/ws/boards/{id}",
                     [&services](http::Request& request, const telemetry::Context& ctx) {
                       return upgrade_board(services, request, ctx);
                     });
}

}  // namespace realtime
