#pragma once
// One client connection as the server tracks it: the stream, and whether a request
// is being served right now (so that shutdown can close idle connections at once and
// let busy ones finish).

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

namespace http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}

  boost::beast::tcp_stream stream;
  std::atomic<bool> busy{false};

  // Closes the socket on the connection's own strand; safe from any thread.
  void close_async() {
    boost::asio::post(stream.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      self->stream.socket().close(ignored);
    });
  }
};

}  // namespace http
