#include "http/server.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/connection.hpp"
#include "http/session.hpp"

namespace http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(EventLoops& loops, ServerOptions options, const Router& router,
               telemetry::Tracer& tracer, const telemetry::logs::Logger& logger)
    : loops_(loops),
      options_(std::move(options)),
      router_(router),
      tracer_(tracer),
      logger_(logger),
      acceptor_(loops.first()),
      accept_retry_(acceptor_.get_executor()),
      accept_failures_(options_.warning_interval),
      cap_reached_(options_.warning_interval),
      idle_sweep_timer_(loops.first()),
      // Idle connections close within a quarter of the idle timeout after it passes.
      idle_sweep_(std::clamp(options_.idle_timeout / 4, std::chrono::milliseconds(10),
                             std::chrono::milliseconds(1000))),
      per_loop_(loops.size(), 0) {}

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
  sweep_idle();
  return port;
}

void Server::sweep_idle() {
  if (stopping_) return;
  const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto& [connection, loop] : connections_) {
      if (connection->idle_deadline.load(std::memory_order_relaxed) <= now) {
        connection->close_if_idle_past(now);
      }
    }
  }
  idle_sweep_timer_.expires_after(idle_sweep_);
  idle_sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) sweep_idle();
  });
}

namespace {

// Errors that say the process or the system is out of something accepting needs:
// failing again at once would only spin.
bool out_of_resources(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}

}  // namespace

std::size_t Server::least_busy_loop() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < per_loop_.size(); ++i) {
    if (per_loop_[i] < per_loop_[best]) best = i;
  }
  return best;
}

// Runs on the first loop.
void Server::accept_loop() {
  if (stopping_) return;
  std::size_t open = 0;
  std::size_t loop = 0;
  {
    std::lock_guard lock(connections_mutex_);
    open = connections_.size();
    accept_paused_ = open >= options_.max_connections;
    loop = least_busy_loop();
  }
  if (open >= options_.max_connections) {
    if (const auto count = cap_reached_.occurred(std::chrono::steady_clock::now())) {
      logger_.warn("http", "connection limit reached; new connections wait until one closes",
                   {{"max_connections", static_cast<std::int64_t>(options_.max_connections)},
                    {"count", static_cast<std::int64_t>(count)}});
    }
    return;
  }
  // The accepted socket belongs to the chosen loop from the start: its reads, writes
  // and timers never run anywhere else.
  acceptor_.async_accept(loops_.loop(loop),
                         [this, loop](boost::system::error_code ec, tcp::socket socket) {
                           on_accept(ec, std::move(socket), loop);
                         });
}

void Server::on_accept(boost::system::error_code ec, tcp::socket socket, std::size_t loop) {
  if (ec == net::error::operation_aborted || stopping_) return;
  if (ec) {
    if (const auto count = accept_failures_.occurred(std::chrono::steady_clock::now())) {
      logger_.warn("http", "accept failed",
                   {{"error", ec.message()}, {"count", static_cast<std::int64_t>(count)}});
    }
    if (out_of_resources(ec)) {
      retry_accept_later();
    } else {
      accept_loop();  // the failure belonged to one connection (it was reset early)
    }
    return;
  }
  if (const auto held_back = accept_failures_.take_pending()) {
    logger_.info("http", "accepting again after failures",
                 {{"count", static_cast<std::int64_t>(held_back)}});
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto connection = std::make_shared<Connection>(std::move(socket));
  {
    std::lock_guard lock(connections_mutex_);
    connections_.emplace(connection, loop);
    ++per_loop_[loop];
  }
  SessionSettings settings{options_, router_, tracer_, logger_, options_.exchange, stopping_};
  net::co_spawn(connection->stream.get_executor(), run_session(connection, settings),
                [this, connection](std::exception_ptr) { forget(connection); });
  accept_loop();
}

void Server::retry_accept_later() {
  accept_retry_.expires_after(options_.accept_backoff);
  accept_retry_.async_wait([this](boost::system::error_code ec) {
    if (!ec) accept_loop();
  });
}

void Server::forget(const std::shared_ptr<Connection>& connection) {
  bool resume = false;
  {
    std::lock_guard lock(connections_mutex_);
    if (const auto found = connections_.find(connection); found != connections_.end()) {
      --per_loop_[found->second];
      connections_.erase(found);
    }
    resume = accept_paused_ && connections_.size() < options_.max_connections;
    if (resume) accept_paused_ = false;
  }
  if (resume) net::post(acceptor_.get_executor(), [this] { accept_loop(); });
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(connections_mutex_);
  return connections_.size();
}

std::vector<std::size_t> Server::connections_per_loop() const {
  std::lock_guard lock(connections_mutex_);
  return per_loop_;
}

void Server::close_idle_connections() {
  std::lock_guard lock(connections_mutex_);
  for (const auto& [connection, loop] : connections_) {
    // An upgraded connection is busy for its whole life; it closes in its own way.
    if (connection->close_upgraded()) continue;
    if (!connection->busy) connection->close_async();
  }
}

void Server::close_all_connections() {
  std::lock_guard lock(connections_mutex_);
  for (const auto& [connection, loop] : connections_) connection->close_async();
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  stopping_ = true;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    idle_sweep_timer_.cancel();
  });
  close_idle_connections();

  // Poll until every connection is gone or the grace period ends; sessions see
  // `stopping_` and close after their current response.
  auto timer = std::make_shared<net::steady_timer>(loops_.first());
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
