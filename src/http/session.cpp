#include "http/session.hpp"

#include <cxxabi.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>
#include <tuple>
#include <typeinfo>
#include <variant>

#include "http/connection.hpp"
#include "http/error_response.hpp"
#include "http/request_head.hpp"
#include "http/response_wire.hpp"

namespace http {

namespace net = boost::asio;
namespace beast = boost::beast;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

// typeid names are mangled on the Itanium ABI ("St13runtime_error"); exception.type
// and error.type are read by people, who expect "std::runtime_error".
std::string readable_type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(type.name());
}

struct Peer {
  std::string client_address;
  std::string server_address;
  std::uint16_t server_port = 0;
};

Peer describe_peer(const beast::tcp_stream& stream) {
  Peer peer;
  boost::system::error_code ec;
  const auto remote = stream.socket().remote_endpoint(ec);
  if (!ec) peer.client_address = remote.address().to_string();
  const auto local = stream.socket().local_endpoint(ec);
  if (!ec) {
    peer.server_address = local.address().to_string();
    peer.server_port = local.port();
  }
  return peer;
}

// What a parse error means for the client. Every one of these closes the connection,
// because after a framing error the rest of the byte stream cannot be trusted.
ApiError parse_error(const boost::system::error_code& ec, std::size_t header_limit,
                     std::size_t body_limit) {
  using status = beast_http::status;
  if (ec == beast_http::error::header_limit) {
    return ApiError(status::request_header_fields_too_large, "request_header_fields_too_large",
                    "the request header block exceeds " + std::to_string(header_limit) + " bytes");
  }
  if (ec == beast_http::error::body_limit) {
    return ApiError(status::payload_too_large, "payload_too_large",
                    "the request body exceeds " + std::to_string(body_limit) + " bytes");
  }
  if (ec == beast_http::error::bad_transfer_encoding ||
      ec == beast_http::error::bad_content_length) {
    return ApiError(status::bad_request, "bad_request",
                    "conflicting or invalid Content-Length / Transfer-Encoding: " + ec.message());
  }
  return ApiError(status::bad_request, "bad_request", "malformed request: " + ec.message());
}

telemetry::http::IncomingRequest describe_request(const RawRequest& raw, std::string_view path,
                                                  std::string_view query, const Peer& peer,
                                                  std::uint64_t bytes_in) {
  telemetry::http::IncomingRequest in;
  in.method = raw.method_string();
  in.path = path;
  in.query = query;
  in.protocol_version = raw.version() == 10 ? "1.0" : "1.1";
  in.client_address = peer.client_address;
  in.server_address = peer.server_address;
  in.server_port = peer.server_port;
  in.bytes_in = bytes_in;
  for (const auto& field : raw) {
    const auto name = field.name();
    if (name == beast_http::field::user_agent) {
      in.user_agent = field.value();
    } else if (beast::iequals(field.name_string(), "x-request-id")) {
      in.request_id = field.value();
    } else if (beast::iequals(field.name_string(), "traceparent")) {
      in.traceparent = field.value();
      ++in.traceparent_count;
    } else if (beast::iequals(field.name_string(), "tracestate")) {
      in.tracestate.push_back(field.value());
    } else if (beast::iequals(field.name_string(), "x-trace-id")) {
      in.x_trace_id = field.value();
    }
  }
  return in;
}

// The path and query of a refused request, for its access line and span: the whole
// target as the path when it could not be parsed (the logger escapes what it must).
Target loggable_target(std::string_view target) {
  auto parsed = parse_target(target);
  if (const auto* parts = std::get_if<Target>(&parsed)) return *parts;
  return Target{target, {}};
}

// The first check of a request's head that fails, if any (see request_head.hpp).
std::optional<ApiError> refusal_of(const RawRequest& head,
                                   const std::variant<Target, ApiError>& target) {
  if (auto error = check_framing(head)) return error;
  if (const auto* error = std::get_if<ApiError>(&target)) return *error;
  if (expectation_of(head) == Expectation::unknown) {
    return ApiError(beast_http::status::expectation_failed, "expectation_failed",
                    "the only expectation supported is 100-continue");
  }
  return std::nullopt;
}

// Runs the handler and turns every outcome into a response. `error_type` is set
// when the request failed on our side (for the span's error.type).
net::awaitable<Response> dispatch(const RawRequest& raw, RouteMatch& match, std::string_view path,
                                  std::string_view query, const Peer& peer,
                                  telemetry::http::ServerExchange& exchange,
                                  std::string& error_type) {
  try {
    if (match.kind == RouteMatch::Kind::not_found) {
      throw ApiError(beast_http::status::not_found, "not_found",
                     "no route for " + std::string(raw.method_string()) + " " + std::string(path));
    }
    if (match.kind == RouteMatch::Kind::method_not_allowed) {
      ApiError error(
          beast_http::status::method_not_allowed, "method_not_allowed",
          std::string(raw.method_string()) + " is not allowed on " + std::string(match.route));
      error.headers.emplace_back("Allow", match.allow);
      throw error;
    }
    Request request{raw, path, query, match.route, {}, peer.client_address};
    for (auto& [name, value] : match.params) request.params.emplace(name, value);
    co_return co_await (*match.handler)(request, exchange.context());
  } catch (const ApiError& error) {
    if (static_cast<unsigned>(error.status()) >= 500) error_type = error.code();
    co_return error_response(error, exchange.request_id(), exchange.trace_id_hex());
  } catch (const std::exception& failure) {
    error_type = readable_type_name(typeid(failure));
    exchange.span().record_exception(error_type, failure.what());
    exchange.context().error("http", "request failed with an unexpected error",
                             {{"error", std::string_view(failure.what())}});
    const ApiError internal(beast_http::status::internal_server_error, "internal_error",
                            "the server failed to handle the request");
    co_return error_response(internal, exchange.request_id(), exchange.trace_id_hex());
  }
}

void add_exchange_headers(const telemetry::http::ServerExchange& exchange, Response& response) {
  exchange.for_each_response_header(
      [&](std::string_view name, std::string_view value) { response.set(name, value); });
}

// Answers a request that could not be parsed, then the caller closes the connection.
net::awaitable<void> reject(Connection& connection, const SessionSettings& settings,
                            const ApiError& error, const RawRequest* partial, const Peer& peer) {
  std::string_view path, query;
  telemetry::http::IncomingRequest in;
  if (partial != nullptr) {
    const Target target = loggable_target(partial->target());
    path = target.path;
    query = target.query;
    in = describe_request(*partial, path, query, peer, 0);
  } else {
    in.client_address = peer.client_address;
    in.server_address = peer.server_address;
    in.server_port = peer.server_port;
  }
  telemetry::http::ServerExchange exchange(settings.tracer, settings.logger,
                                           settings.exchange_options, in, {});
  Response response = error_response(error, exchange.request_id(), exchange.trace_id_hex());
  add_exchange_headers(exchange, response);
  response.keep_alive(false);
  connection.stream.expires_after(settings.options.header_timeout);
  auto [ec, written] = co_await beast_http::async_write(connection.stream, response, use_tuple);
  exchange.finish(static_cast<unsigned>(response.result_int()), ec ? 0 : written);
}

constexpr std::size_t kKeptWireBytes = 8 * 1024;

// Sends what the socket takes at once, without waiting (MSG_DONTWAIT). A response
// usually fits the socket's send buffer: sent here, it spares the trip through the
// scheduler and the write timer that completing an asynchronous write costs. "Would
// block" is not an error: the caller writes the rest asynchronously.
std::size_t send_now(net::ip::tcp::socket& socket, const std::array<net::const_buffer, 2>& buffers,
                     boost::system::error_code& ec) {
  std::array<iovec, 2> iov{};
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    iov[i].iov_base = const_cast<void*>(buffers[i].data());
    iov[i].iov_len = buffers[i].size();
  }
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = iov.size();
  const ssize_t sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent >= 0) return static_cast<std::size_t>(sent);
  if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ec.assign(errno, boost::system::system_category());
  }
  return 0;
}

// Writes a response; to a HEAD request only its header block, which keeps the
// Content-Length the body would have had (RFC 9110 9.3.2). `wire` is the connection's
// output buffer, reused from one response to the next. What is not sent at once must be
// written within `timeout` (the write timer is armed only then).
net::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_response(
    beast::tcp_stream& stream, Response& response, bool head_only, std::string& wire,
    std::chrono::steady_clock::duration timeout) {
  if (writable_as_wire(response)) {
    // A buffer grown by one exceptional header block is not kept for the connection's life.
    if (wire.capacity() > kKeptWireBytes) std::string().swap(wire);
    wire.clear();
    append_header_block(response, wire);
    const std::array<net::const_buffer, 2> buffers{
        net::buffer(wire), head_only ? net::const_buffer{} : net::buffer(response.body())};
    boost::system::error_code ec;
    const std::size_t sent = send_now(stream.socket(), buffers, ec);
    const std::size_t total = net::buffer_size(buffers);
    if (ec || sent == total) co_return std::tuple{ec, sent};
    beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(buffers);
    rest.consume(sent);
    stream.expires_after(timeout);
    auto [rest_ec, rest_written] = co_await net::async_write(stream, rest, use_tuple);
    co_return std::tuple{rest_ec, sent + rest_written};
  }
  stream.expires_after(timeout);
  if (!head_only) co_return co_await beast_http::async_write(stream, response, use_tuple);
  beast_http::response_serializer<beast_http::string_body> serializer(response);
  co_return co_await beast_http::async_write_header(stream, serializer, use_tuple);
}

// Why a response did not reach its last byte, for the access line and the span.
std::string_view abort_reason(const boost::system::error_code& ec, bool stopping) {
  if (ec == beast::error::timeout) return "write_timeout";  // the client stopped reading
  if (stopping) return "shutdown";                          // closed at the end of the grace period
  return "client_closed";
}

// Half-closes and reads what the client still sends for a moment before closing:
// closing with unread bytes makes the kernel send a reset, which can destroy the
// response (a 413 or 400) before the client reads it.
net::awaitable<void> close_gracefully(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink{};
  std::size_t drained = 0;
  stream.expires_after(std::chrono::milliseconds(500));
  while (drained < 4 * 1024 * 1024) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
    if (ec) break;
    drained += n;
  }
  stream.socket().close(ignored);
}

// Runs an upgrade route's handler as if it were an ordinary one; `out` receives what
// takes the connection over when it accepts.
net::awaitable<Response> take_over(std::unique_ptr<Upgrade>& out, const UpgradeHandler& handler,
                                   Request& request, const telemetry::Context& ctx) {
  out = co_await handler(request, ctx);
  co_return Response{};
}

// After an upgrade route accepted the request: the handshake answers it, which ends
// the request's exchange (span and access line); then the upgraded protocol owns the
// connection, and the server's shutdown reaches it through the connection.
net::awaitable<void> run_upgraded(Connection& connection, const SessionSettings& settings,
                                  const RawRequest& raw, Upgrade& upgrade,
                                  telemetry::http::ServerExchange& exchange) {
  std::vector<std::pair<std::string, std::string>> headers;
  exchange.for_each_response_header(
      [&](std::string_view name, std::string_view value) { headers.emplace_back(name, value); });
  connection.stream.expires_after(settings.options.header_timeout);
  const bool accepted = co_await upgrade.accept(connection.stream, raw, std::move(headers));
  exchange.finish(accepted ? 101 : 400, 0, accepted ? std::string_view{} : "handshake_failed");
  if (!accepted) co_return;
  connection.stream.expires_never();
  connection.attach(&upgrade);
  if (settings.stopping) upgrade.close_for_shutdown();  // stopped during the handshake
  co_await upgrade.run();
  connection.attach(nullptr);
}

}  // namespace

net::awaitable<void> run_session(std::shared_ptr<Connection> connection, SessionSettings settings) {
  const ServerOptions& options = settings.options;
  beast::tcp_stream& stream = connection->stream;
  const Peer peer = describe_peer(stream);
  beast::flat_buffer buffer;
  std::string wire;  // the bytes of the response being written

  while (!settings.stopping) {
    // Wait for the first byte of the next request: an idle keep-alive connection is
    // closed after idle_timeout, and shutdown can close it without losing a request.
    connection->busy = false;
    if (buffer.size() == 0) {
      // The server's idle sweep enforces idle_timeout (no timer armed per request).
      const auto deadline = std::chrono::steady_clock::now() + options.idle_timeout;
      connection->idle_deadline.store(deadline.time_since_epoch().count(),
                                      std::memory_order_relaxed);
      auto [ec, n] = co_await stream.socket().async_read_some(buffer.prepare(4096), use_tuple);
      connection->idle_deadline.store(Connection::kNotIdle, std::memory_order_relaxed);
      if (ec) break;  // closed, idle timeout, or shut down
      buffer.commit(n);
    }
    connection->busy = true;

    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);

    // What is already buffered is parsed first: the whole header block usually came
    // with the first read, and async_read_header would then complete without I/O but
    // still through the scheduler.
    boost::system::error_code header_ec;
    std::size_t header_bytes = parser.put(buffer.data(), header_ec);
    buffer.consume(header_bytes);
    if (header_ec == beast_http::error::need_more) header_ec = {};
    if (!header_ec && !parser.is_header_done()) {
      // A client that sends its header block too slowly is cut off.
      stream.expires_after(options.header_timeout);
      auto [read_ec, read_bytes] =
          co_await beast_http::async_read_header(stream, buffer, parser, use_tuple);
      header_ec = read_ec;
      header_bytes += read_bytes;
    }
    if (header_ec == beast::error::timeout || header_ec == beast_http::error::end_of_stream ||
        header_ec == net::error::operation_aborted || header_ec == net::error::connection_reset) {
      break;
    }
    if (header_ec) {
      const bool has_header = parser.is_header_done();
      co_await reject(*connection, settings,
                      parse_error(header_ec, options.max_header_bytes, options.max_body_bytes),
                      has_header ? &parser.get() : nullptr, peer);
      break;
    }

    const auto target = parse_target(parser.get().target());
    if (auto refusal = refusal_of(parser.get(), target)) {
      co_await reject(*connection, settings, *refusal, &parser.get(), peer);
      break;
    }
    const auto [path, query] = std::get<Target>(target);
    RouteMatch match = settings.router.match(parser.get().method(), path);

    // A client that sent `Expect: 100-continue` waits for a go-ahead before its body.
    // It gets one when the route exists; otherwise it gets the 404 or 405 at once, and
    // the connection closes without reading the body.
    const bool expects_continue = expectation_of(parser.get()) == Expectation::continue_;
    const bool answer_early =
        expects_continue && !parser.is_done() && match.kind != RouteMatch::Kind::found;
    std::size_t body_bytes = 0;
    if (!parser.is_done() && !answer_early) {
      if (expects_continue) {
        beast_http::response<beast_http::empty_body> go_ahead{beast_http::status::continue_, 11};
        stream.expires_after(options.body_timeout);
        auto [continue_ec, sent] = co_await beast_http::async_write(stream, go_ahead, use_tuple);
        if (continue_ec) break;
      }
      stream.expires_after(options.body_timeout);
      auto [body_ec, read] = co_await beast_http::async_read(stream, buffer, parser, use_tuple);
      body_bytes = read;
      if (body_ec == beast::error::timeout || body_ec == net::error::operation_aborted ||
          body_ec == net::error::connection_reset) {
        break;
      }
      if (body_ec) {
        co_await reject(*connection, settings,
                        parse_error(body_ec, options.max_header_bytes, options.max_body_bytes),
                        &parser.get(), peer);
        break;
      }
    }

    const RawRequest& raw = parser.get();
    const auto in = describe_request(raw, path, query, peer, header_bytes + body_bytes);
    telemetry::http::ServerExchange exchange(settings.tracer, settings.logger,
                                             settings.exchange_options, in, match.route);

    // An upgrade route is dispatched like any route, so its refusal is an ordinary
    // response; accepting it hands the connection over.
    std::unique_ptr<Upgrade> upgrade;
    Handler take_upgrade;
    if (match.upgrade != nullptr) {
      take_upgrade = [&upgrade, &match](Request& request, const telemetry::Context& ctx) {
        return take_over(upgrade, *match.upgrade, request, ctx);
      };
      match.handler = &take_upgrade;
    }

    std::string error_type;
    Response response = co_await dispatch(raw, match, path, query, peer, exchange, error_type);
    if (upgrade) {
      co_await run_upgraded(*connection, settings, raw, *upgrade, exchange);
      break;
    }
    add_exchange_headers(exchange, response);
    const bool keep_alive = raw.keep_alive() && !settings.stopping && !answer_early;
    response.keep_alive(keep_alive);
    response.prepare_payload();

    // The whole response must be written within body_timeout: a client that stops
    // reading is cut off when its receive window and our send buffer are full, and the
    // response it held is freed with this iteration.
    auto [write_ec, written] = co_await write_response(
        stream, response, raw.method() == beast_http::verb::head, wire, options.body_timeout);
    const auto status = static_cast<unsigned>(response.result_int());
    if (write_ec) {
      exchange.abort(status, written, abort_reason(write_ec, settings.stopping));
      break;
    }
    exchange.finish(status, written, error_type);
    if (!keep_alive) break;
  }

  co_await close_gracefully(stream);
}

}  // namespace http
