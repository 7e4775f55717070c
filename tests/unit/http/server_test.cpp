// The server on several event loops, seen from its clients: every connection is
// answered, a connection's requests are all served by the same loop (the test route
// answers with the name of the thread that ran it), connections are spread over the
// loops, and a graceful shutdown closes idle connections on every loop and stops.

#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../trace/test_support.hpp"
#include "http/event_loops.hpp"
#include "http/response.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = net::ip::tcp;

class SilentLog final : public telemetry::logs::Logger {
 public:
  bool enabled(telemetry::logs::Level, std::string_view) const noexcept override { return false; }
  void write(telemetry::logs::Level, std::string_view, std::string_view,
             std::span<const telemetry::logs::Field>,
             const telemetry::logs::Correlation*) const noexcept override {}
};

// Names each thread that serves a request "loop-0", "loop-1", ... in the order they
// first answer.
class ThreadNames {
 public:
  std::string current() {
    std::lock_guard lock(mutex_);
    const auto id = std::this_thread::get_id();
    auto found = names_.find(id);
    if (found == names_.end()) {
      found = names_.emplace(id, "loop-" + std::to_string(names_.size())).first;
    }
    return found->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::thread::id, std::string> names_;
};

// One client connection that sends keep-alive requests and reads each answer.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  // Status and body of GET `path`.
  std::pair<unsigned, std::string> get(const std::string& path) {
    beast_http::request<beast_http::string_body> request{beast_http::verb::get, path, 11};
    request.set(beast_http::field::host, "127.0.0.1");
    beast_http::write(socket_, request);
    beast_http::response<beast_http::string_body> response;
    beast_http::read(socket_, buffer_, response);
    return {response.result_int(), response.body()};
  }

  // True when the server closed the connection (a read ends without data).
  bool closed_by_server() {
    beast_http::response<beast_http::string_body> response;
    boost::system::error_code ec;
    beast_http::read(socket_, buffer_, response, ec);
    return ec == beast_http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset;
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class ServerOnLoops : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(
        beast_http::verb::get, "/where",
        [this](http::Request&, const telemetry::Context&) -> net::awaitable<http::Response> {
          co_return http::json_response(beast_http::status::ok,
                                        boost::json::string(names_.current()));
        });
  }

  void start(std::size_t loops, std::size_t max_connections = 64,
             std::chrono::milliseconds idle_timeout = std::chrono::seconds(60)) {
    loops_ = std::make_unique<http::EventLoops>(loops);
    http::ServerOptions options;
    options.port = 0;
    options.max_connections = max_connections;
    options.idle_timeout = idle_timeout;
    server_ = std::make_unique<http::Server>(*loops_, options, router_, setup_.tracer(), log_);
    port_ = server_->start();
    running_ = std::async(std::launch::async, [this] { loops_->run(); });
  }

  // Graceful shutdown from the first loop, as the service does on SIGTERM; true when
  // the loops stopped within `wait`.
  bool shut_down(std::chrono::milliseconds grace, std::chrono::milliseconds wait) {
    net::post(loops_->first(),
              [this, grace] { server_->shutdown(grace, [this] { loops_->stop(); }); });
    return running_.wait_for(wait) == std::future_status::ready;
  }

  void TearDown() override {
    if (running_.valid() &&
        running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      loops_->stop();
      running_.wait();
    }
    server_.reset();
    loops_.reset();
  }

  telemetry::test::RecordingSetup setup_;
  SilentLog log_;
  ThreadNames names_;
  http::Router router_;
  std::unique_ptr<http::EventLoops> loops_;
  std::unique_ptr<http::Server> server_;
  std::future<void> running_;
  std::uint16_t port_ = 0;
};

std::string body_text(const std::string& json) {
  return std::string(boost::json::parse(json).as_string());
}

TEST_F(ServerOnLoops, EachConnectionIsServedByOneLoopAndTheLoopsShareTheConnections) {
  start(2);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<Client>(port_));

  std::set<std::string> serving;
  for (auto& client : clients) {
    std::set<std::string> seen;
    for (int request = 0; request < 5; ++request) {
      const auto [status, body] = client->get("/where");
      ASSERT_EQ(status, 200u);
      seen.insert(body_text(body));
    }
    EXPECT_EQ(seen.size(), 1u) << "one connection's requests ran on several threads";
    serving.insert(seen.begin(), seen.end());
  }
  EXPECT_EQ(serving, (std::set<std::string>{"loop-0", "loop-1"}));
  EXPECT_EQ(server_->connections_per_loop(), (std::vector<std::size_t>{2, 2}));
}

TEST_F(ServerOnLoops, ShutdownClosesIdleConnectionsOnEveryLoopAndStops) {
  start(2);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    ASSERT_EQ(clients.back()->get("/where").first, 200u);
  }
  ASSERT_TRUE(shut_down(std::chrono::seconds(5), std::chrono::seconds(2)))
      << "idle connections should close at once, not after the grace period";
  for (auto& client : clients) EXPECT_TRUE(client->closed_by_server());
}

TEST_F(ServerOnLoops, ShutdownWithNoConnectionOpenStopsAtOnce) {
  start(2);
  {
    Client client(port_);  // the next connection would go to the second loop
    ASSERT_EQ(client.get("/where").first, 200u);
  }
  while (server_->open_connections() != 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(shut_down(std::chrono::seconds(5), std::chrono::seconds(2)));
}

TEST_F(ServerOnLoops, IdleConnectionsCloseOnEveryLoopWhileBusyOnesStayOpen) {
  start(2, 64, std::chrono::milliseconds(200));
  Client idle_first(port_);
  Client idle_second(port_);
  Client busy(port_);
  ASSERT_EQ(idle_first.get("/where").first, 200u);
  ASSERT_EQ(idle_second.get("/where").first, 200u);
  // A request every 50 ms for 600 ms: never idle for 200 ms, so never closed.
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(busy.get("/where").first, 200u);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle_first.closed_by_server());
  EXPECT_TRUE(idle_second.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(ServerOnLoops, OneLoopServesEverythingAlone) {
  start(1);
  Client first(port_);
  Client second(port_);
  EXPECT_EQ(body_text(first.get("/where").second), "loop-0");
  EXPECT_EQ(body_text(second.get("/where").second), "loop-0");
  EXPECT_EQ(server_->connections_per_loop(), (std::vector<std::size_t>{2}));
}

TEST_F(ServerOnLoops, AtTheCapANewConnectionWaitsUntilOneCloses) {
  start(2, 2);
  auto first = std::make_unique<Client>(port_);
  Client second(port_);
  ASSERT_EQ(first->get("/where").first, 200u);
  ASSERT_EQ(second.get("/where").first, 200u);

  // The third connection is in the listen backlog: its request is answered only after
  // the first connection closes.
  auto third = std::async(std::launch::async, [this] {
    Client client(port_);
    return client.get("/where").first;
  });
  EXPECT_EQ(third.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  first.reset();
  ASSERT_EQ(third.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(third.get(), 200u);
}

}  // namespace
