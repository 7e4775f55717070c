#include "http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/connection.hpp"
#include "http/session.hpp"

namespace http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(net::io_context& io, ServerOptions options, const Router& router,
               telemetry::Tracer& tracer, const telemetry::logs::Logger& logger)
    : io_(io),
      options_(std::move(options)),
      router_(router),
      tracer_(tracer),
      logger_(logger),
      acceptor_(net::make_strand(io)) {}

Server::~Server() = default;

std::uint16_t Server::start() {
  const auto address = net::ip::make_address(options_.listen_address);
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  const std::uint16_t port = acceptor_.local_endpoint().port();
  accept_loop();
  return port;
}

void Server::accept_loop() {
  acceptor_.async_accept(
      net::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || stopping_) return;
        if (ec) {
          // Out of file descriptors and the like: say so, and keep accepting.
          logger_.warn("http", "accept failed", {{"error", ec.message()}});
          accept_loop();
          return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto connection = std::make_shared<Connection>(std::move(socket));
        {
          std::lock_guard lock(connections_mutex_);
          connections_.insert(connection);
        }
        SessionSettings settings{options_, router_, tracer_, logger_, options_.exchange, stopping_};
        net::co_spawn(connection->stream.get_executor(), run_session(connection, settings),
                      [this, connection](std::exception_ptr) { forget(connection); });
        accept_loop();
      });
}

void Server::forget(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(connections_mutex_);
  connections_.erase(connection);
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(connections_mutex_);
  return connections_.size();
}

void Server::close_idle_connections() {
  std::lock_guard lock(connections_mutex_);
  for (const auto& connection : connections_) {
    // An upgraded connection is busy for its whole life; it closes in its own way.
    if (connection->close_upgraded()) continue;
    if (!connection->busy) connection->close_async();
  }
}

void Server::close_all_connections() {
  std::lock_guard lock(connections_mutex_);
  for (const auto& connection : connections_) connection->close_async();
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  stopping_ = true;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  close_idle_connections();

  // Poll until every connection is gone or the grace period ends; sessions see
  // `stopping_` and close after their current response.
  auto timer = std::make_shared<net::steady_timer>(io_);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, timer, deadline, poll, done = std::move(done), forced = false]() mutable {
    if (open_connections() == 0) {
      done();
      *poll = nullptr;  // break the self-reference
      return;
    }
    if (!forced && std::chrono::steady_clock::now() >= deadline) {
      logger_.warn("http", "closing connections still busy after the shutdown grace period",
                   {{"connections", static_cast<std::int64_t>(open_connections())}});
      close_all_connections();
      forced = true;
    } else {
      close_idle_connections();  // a busy connection may have become idle
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](boost::system::error_code) {
      if (*poll) (*poll)();
    });
  };
  (*poll)();
}

}  // namespace http
