#pragma once
// One client connection as the server tracks it: the stream, whether a request is
// being served right now (so that shutdown can close idle connections at once and
// let busy ones finish), and the protocol it was upgraded to, if any (shutdown asks
// that one to close in its own way: WebSocket with 1001).

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>

#include "http/router.hpp"

namespace http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}

  boost::beast::tcp_stream stream;
  std::atomic<bool> busy{false};

  // While the connection waits for the first byte of its next request: when that wait
  // ends unless a byte comes (steady_clock ticks); kNotIdle otherwise. The server's idle
  // sweep closes the connection past it, so that the wait arms no timer of its own.
  static constexpr std::int64_t kNotIdle = std::numeric_limits<std::int64_t>::max();
  std::atomic<std::int64_t> idle_deadline{kNotIdle};

  // On the connection's loop, from the idle sweep: closes the connection if it is still
  // waiting for a request past its deadline (a request that came meanwhile wins).
  void close_if_idle_past(std::int64_t now) {
    boost::asio::post(stream.get_executor(), [self = shared_from_this(), now] {
      if (self->idle_deadline.load(std::memory_order_relaxed) > now) return;
      boost::system::error_code ignored;
      self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      self->stream.socket().close(ignored);
    });
  }

  // While `upgrade` serves the connection, shutdown goes through it. Safe from any
  // thread; the session detaches it before it is destroyed.
  void attach(Upgrade* upgrade) {
    std::lock_guard lock(upgrade_mutex_);
    upgrade_ = upgrade;
  }
  // True if an upgraded protocol was asked to close (the connection is long-lived).
  bool close_upgraded() {
    std::lock_guard lock(upgrade_mutex_);
    if (upgrade_ == nullptr) return false;
    upgrade_->close_for_shutdown();
    return true;
  }

  // Closes the socket on the connection's own event loop; safe from any thread.
  void close_async() {
    boost::asio::post(stream.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      self->stream.socket().close(ignored);
    });
  }

 private:
  std::mutex upgrade_mutex_;
  Upgrade* upgrade_ = nullptr;
};

}  // namespace http
