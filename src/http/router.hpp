#pragma once
// Maps a method and a path to a handler through route templates such as
// "/api/boards/{id}/elements/{element_id}". The template, not the raw path, names
// the route in spans and access logs, so their cardinality stays low.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "telemetry/context.hpp"

namespace http {

using Handler =
    std::function<boost::asio::awaitable<Response>(Request&, const telemetry::Context&)>;

// A connection taken over after an upgrade route accepted its request (WebSocket).
class Upgrade {
 public:
  virtual ~Upgrade() = default;
  // Answers the upgrade request on `stream` (101 Switching Protocols) with `headers`
  // added (the request id and trace headers every response carries); false when the
  // handshake failed (the answer was then an error status).
  virtual boost::asio::awaitable<bool> accept(
      boost::beast::tcp_stream& stream, const RawRequest& request,
      std::vector<std::pair<std::string, std::string>> headers) = 0;
  // Serves the connection until it closes. The upgrade request's span has ended.
  virtual boost::asio::awaitable<void> run() = 0;
  // From any thread, as often as called: the server is stopping; close soon.
  virtual void close_for_shutdown() noexcept = 0;
};

// Checks an upgrade request as any handler does (a thrown ApiError is the answer,
// before any upgrade) and returns what takes the connection over.
using UpgradeHandler = std::function<boost::asio::awaitable<std::unique_ptr<Upgrade>>(
    Request&, const telemetry::Context&)>;

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
  const Handler* handler = nullptr;
  const UpgradeHandler* upgrade = nullptr;  // set instead of handler on an upgrade route
  std::string_view route;                   // the template; empty when not found
  std::vector<std::pair<std::string, std::string>> params;
  std::string allow;  // for method_not_allowed: "GET, POST"
};

class Router {
 public:
  // The most segments a route template may have; longer paths match no route.
  static constexpr std::size_t kMaxSegments = 12;

  void add(beast_http::verb method, std::string pattern, Handler handler);
  // A GET route whose requests ask to switch protocols.
  void add_upgrade(std::string pattern, UpgradeHandler handler);
  RouteMatch match(beast_http::verb method, std::string_view path) const;

 private:
  struct Route {
    beast_http::verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    Handler handler;
    UpgradeHandler upgrade;
  };
  void add_route(Route route);

  std::vector<Route> routes_;
};

}  // namespace http
