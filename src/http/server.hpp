#pragma once
// The HTTP/1.1 server: an acceptor on the first event loop and one coroutine per
// connection, served wholly on one loop (http/event_loops.hpp): each accepted
// connection goes to the loop serving the fewest connections at that moment, and stays
// there for its life.
//
// Lifetime: start() binds and accepts; shutdown() stops accepting, closes idle
// keep-alive connections at once, asks upgraded (WebSocket) connections to close in
// their protocol's way, lets requests in flight finish within the grace period, then
// closes whatever is left.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/event_loops.hpp"
#include "http/log_throttle.hpp"
#include "http/router.hpp"
#include "telemetry/http/server_exchange.hpp"

namespace telemetry {
class Tracer;
}

namespace http {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // the whole header block, once begun
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  // between keep-alive requests
  // Connections served at once. At the cap the server stops accepting (new clients
  // wait in the listen backlog) until one closes. The app sets it below the
  // descriptor limit.
  std::size_t max_connections = 1024;
  // After accept fails for want of descriptors or memory, wait this long before
  // trying again instead of failing again at once.
  std::chrono::milliseconds accept_backoff{100};
  // Repeated warnings (accept failing, the cap reached): one line per interval.
  std::chrono::milliseconds warning_interval{10'000};
  // Tracing and access-log settings of every exchange (which routes are quiet).
  telemetry::http::ServerExchangeOptions exchange;
};

class Connection;

class Server {
 public:
  Server(EventLoops& loops, ServerOptions options, const Router& router, telemetry::Tracer& tracer,
         const telemetry::logs::Logger& logger);
  ~Server();

  // Binds the listening socket and starts accepting. Returns the bound port (useful
  // with port 0). Throws std::system_error when the address cannot be bound.
  std::uint16_t start();

  // Graceful stop; `done` runs on the first loop once every connection is closed.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

  std::size_t open_connections() const;
  // Open connections served by each loop, in the loops' order.
  std::vector<std::size_t> connections_per_loop() const;

 private:
  void accept_loop();
  std::size_t least_busy_loop() const;  // holds connections_mutex_
  // `loop`: the index of the loop the socket was accepted onto.
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket,
                 std::size_t loop);
  void retry_accept_later();
  void forget(const std::shared_ptr<Connection>& connection);
  void close_idle_connections();
  void close_all_connections();
  void sweep_idle();  // on the first loop, every idle_sweep_

  EventLoops& loops_;
  ServerOptions options_;
  const Router& router_;
  telemetry::Tracer& tracer_;
  const telemetry::logs::Logger& logger_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  // On the first loop, with the acceptor: the back-off timer and the throttled warnings.
  boost::asio::steady_timer accept_retry_;
  LogThrottle accept_failures_;
  LogThrottle cap_reached_;
  boost::asio::steady_timer idle_sweep_timer_;
  std::chrono::milliseconds idle_sweep_;

  mutable std::mutex connections_mutex_;
  // Each open connection and the index of the loop serving it.
  std::unordered_map<std::shared_ptr<Connection>, std::size_t> connections_;
  std::vector<std::size_t> per_loop_;  // open connections of each loop
  bool accept_paused_ = false;         // at max_connections; forget() resumes accepting
};

}  // namespace http
