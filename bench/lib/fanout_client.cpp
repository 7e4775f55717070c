// Fan-out load client of the real-time layer (bench/realtime_fanout.sh): N clients on
// one board over Boost.Beast WebSocket, one editing at a fixed rate (element.update,
// stored) and M moving their cursor at a rate each (cursor.move, not stored), plus
// optional slow readers that stop reading after the handshake. Every send carries its
// steady-clock time; every receipt at another client is a latency sample. The
// sockets are served by a few threads of one io_context, so a burst of frames is
// read in parallel and without a garbage collector in the way; the client's own cost
// per message is a fraction of the service's.
//
//   bench_fanout_client --url http://127.0.0.1:PORT [--pid SERVICE_PID] [--clients 100]
//       [--cursors 20] [--cursor-rate 30] [--edit-rate 20] [--seconds 10] [--threads 2]
//       [--phase aligned|spread] [--cursor-frames single|batched] [--slow 0]
//
// --phase aligned: every cursor sender moves at the same instant (the worst case: one
// burst of cursors x (clients - 1) frames each period); spread: their periods are
// offset evenly (independent people). The service must run with
// BOARD_PASSWORD_HASH=min and enough BOARD_REGISTRATIONS_PER_ADDRESS. Prints one JSON
// object (delivered per second, p50/p99/max in ms, the service's CPU per delivered
// message).
#include <sys/socket.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string host = "127.0.0.1";
std::string port = "8080";

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

boost::json::value api(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& token) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(host, port));
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, host);
  request.set(http::field::content_type, "application/json");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (response.result_int() >= 300) {
    throw std::runtime_error(method + " " + target + ": " + std::to_string(response.result_int()) +
                             " " + response.body());
  }
  return response.body().empty() ? boost::json::value() : boost::json::parse(response.body());
}

double cpu_seconds(const std::string& pid) {
  if (pid.empty()) return 0;
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::string rest = text.substr(text.rfind(") ") + 2);
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (at < rest.size()) {
    const std::size_t space = rest.find(' ', at);
    fields.push_back(rest.substr(at, space - at));
    if (space == std::string::npos) break;
    at = space + 1;
  }
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The integer after `key` in `text` (the timestamp the sender put there), or -1.
std::int64_t number_after(std::string_view text, std::string_view key) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return -1;
  std::int64_t value = -1;
  const char* first = text.data() + at + key.size();
  std::from_chars(first, text.data() + text.size(), value);
  return value;
}

std::atomic<bool> measuring{false};

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(net::io_context& ioc, int index)
      : ws(net::make_strand(ioc)), timer(ws.get_executor()), index(index) {}

  websocket::stream<beast::tcp_stream> ws;
  net::steady_timer timer;
  int index;
  beast::flat_buffer buffer;
  std::vector<std::uint32_t> edits, cursors;  // latencies, ns
  bool writing = false;
  std::int64_t version = 0;
  std::int64_t element_id = 0;
  std::uint64_t errors = 0;
  std::uint64_t closed = 0;

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closed = 1;
        return;
      }
      const std::int64_t now = now_ns();
      if (measuring.load(std::memory_order_relaxed)) {
        const auto data = self->buffer.cdata();
        const std::string_view text(static_cast<const char*>(data.data()), data.size());
        if (text.starts_with(R"({"type":"cursor.moved")")) {
          const std::int64_t sent = number_after(text, R"("x":)");
          if (sent > 0) self->cursors.push_back(static_cast<std::uint32_t>(now - sent));
        } else if (text.starts_with(R"({"type":"cursor.moved.batch")")) {
          for (std::size_t at = text.find(R"("x":)"); at != std::string_view::npos;
               at = text.find(R"("x":)", at + 4)) {
            const std::int64_t sent = number_after(text.substr(at), R"("x":)");
            if (sent > 0) self->cursors.push_back(static_cast<std::uint32_t>(now - sent));
          }
        } else if (text.starts_with(R"({"type":"element.updated")")) {
          const std::int64_t sent = number_after(text, R"("text":")");
          if (sent > 0 && self->index != 0)
            self->edits.push_back(static_cast<std::uint32_t>(now - sent));
        } else if (text.starts_with(R"({"type":"error")")) {
          ++self->errors;
        }
      }
      self->buffer.consume(self->buffer.size());
      self->read();
    });
  }

  void send(std::string text) {
    if (writing) return;  // the previous one is still in flight: skip a beat
    writing = true;
    auto message = std::make_shared<std::string>(std::move(text));
    ws.async_write(net::buffer(*message),
                   [self = shared_from_this(), message](beast::error_code, std::size_t) {
                     self->writing = false;
                   });
  }

  // Sends every `period`, starting `offset` after `start`, until `until`.
  void tick(Clock::time_point at, Clock::duration period, Clock::time_point until, bool edit) {
    if (at >= until) return;
    timer.expires_at(at);
    timer.async_wait([self = shared_from_this(), at, period, until, edit](beast::error_code ec) {
      if (ec) return;
      const std::int64_t now = now_ns();
      if (edit) {
        self->send(R"({"type":"element.update","element_id":)" + std::to_string(self->element_id) +
                   R"(,"patch":{"version":)" + std::to_string(self->version++) + R"(,"text":")" +
                   std::to_string(now) + R"("}})");
      } else {
        self->send(R"({"type":"cursor.move","x":)" + std::to_string(now) + R"(,"y":)" +
                   std::to_string(self->index) + "}");
      }
      self->tick(at + period, period, until, edit);
    });
  }
};

struct Summary {
  double per_second = 0;
  double p50 = 0, p99 = 0, max = 0;
  std::size_t count = 0;
};

Summary summarize(std::vector<std::uint32_t>& values, double seconds) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  auto at = [&](double p) {
    return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))] / 1e6;
  };
  s.per_second = values.size() / seconds;
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = values.back() / 1e6;
  return s;
}

boost::json::object to_json(const Summary& s) {
  return {{"delivered_per_second", std::round(s.per_second)},
          {"p50_ms", std::round(s.p50 * 1000) / 1000},
          {"p99_ms", std::round(s.p99 * 1000) / 1000},
          {"max_ms", std::round(s.max * 1000) / 1000}};
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[std::string(argv[i]).substr(2)] = argv[i + 1];
  auto arg = [&](const std::string& name, const std::string& fallback) {
    const auto found = args.find(name);
    return found == args.end() ? fallback : found->second;
  };
  const std::string url = arg("url", "http://127.0.0.1:8080");
  const std::size_t colon = url.rfind(':');
  host = url.substr(url.find("//") + 2, colon - url.find("//") - 2);
  port = url.substr(colon + 1);
  const int clients = std::stoi(arg("clients", "100"));
  const int cursor_clients = std::stoi(arg("cursors", "20"));
  const double cursor_rate = std::stod(arg("cursor-rate", "30"));
  const double edit_rate = std::stod(arg("edit-rate", "20"));
  const double seconds = std::stod(arg("seconds", "10"));
  const int threads = std::stoi(arg("threads", "2"));
  const bool spread = arg("phase", "aligned") == "spread";
  const int slow = std::stoi(arg("slow", "0"));
  const bool batched = arg("cursor-frames", "single") == "batched";
  const std::string pid = arg("pid", "");

  try {
    // Users, a board they are all editors of, one element to edit.
    const std::string run = std::to_string(now_ns() % 1000000007);
    std::vector<std::string> names, tokens;
    for (int i = 0; i < clients + slow; ++i) {
      const std::string name = "fan" + run + "_" + std::to_string(i);
      const std::string credentials =
          R"({"username":")" + name + R"(","password":"bench password 1"})";
      api("POST", "/api/auth/register", credentials, "");
      tokens.push_back(
          std::string(api("POST", "/api/auth/login", credentials, "").at("token").as_string()));
      names.push_back(name);
    }
    const auto board = api("POST", "/api/boards", R"({"name":"fan-out"})", tokens[0]);
    const std::int64_t board_id = board.at("id").as_int64();
    for (int i = 1; i < clients + slow; ++i) {
      api("POST", "/api/boards/" + std::to_string(board_id) + "/members",
          R"({"username":")" + names[i] + R"(","role":"editor"})", tokens[0]);
    }
    const auto element =
        api("POST", "/api/boards/" + std::to_string(board_id) + "/elements",
            R"({"kind":"sticky_note","x":0,"y":0,"width":100,"height":100,"text":"0"})", tokens[0]);

    net::io_context ioc;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(host, port);
    std::vector<std::shared_ptr<Connection>> connections;
    for (int i = 0; i < clients + slow; ++i) {
      auto c = std::make_shared<Connection>(ioc, i);
      auto& socket = beast::get_lowest_layer(c->ws).socket();
      socket.open(tcp::v4());
      if (i >= clients) {
        // A slow reader: a small receive buffer, and it never reads after the
        // handshake, so the service's send queue for it fills up.
        const int small = 4096;
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
      }
      socket.connect(*endpoints.begin());
      socket.set_option(tcp::no_delay(true));
      c->ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& request) {
        request.set(http::field::authorization, "Bearer " + tokens[i]);
      }));
      c->ws.handshake(host + ":" + port, "/ws/boards/" + std::to_string(board_id) + "?since=0" +
                                             (batched ? "&cursors=batched" : ""));
      c->element_id = element.at("id").as_int64();
      c->version = element.at("version").as_int64();
      if (i < clients) c->read();
      connections.push_back(c);
    }

    std::vector<std::thread> pool;
    auto work = net::make_work_guard(ioc);
    for (int t = 0; t < threads; ++t) pool.emplace_back([&] { ioc.run(); });

    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // joins and presence settle
    measuring = true;
    const double cpu_before = cpu_seconds(pid);
    const auto started = Clock::now();
    const auto until = started + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(seconds));
    const auto cursor_period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / cursor_rate));
    const auto first = started + std::chrono::milliseconds(5);
    net::post(connections[0]->ws.get_executor(), [&] {
      connections[0]->tick(first,
                           std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(1.0 / edit_rate)),
                           until, true);
    });
    for (int c = 1; c <= cursor_clients && c < clients; ++c) {
      const auto offset = spread ? cursor_period * (c - 1) / cursor_clients : Clock::duration{};
      net::post(connections[c]->ws.get_executor(), [&, c, offset] {
        connections[c]->tick(first + offset, cursor_period, until, false);
      });
    }
    std::this_thread::sleep_until(until + std::chrono::milliseconds(500));  // in flight lands
    measuring = false;
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const double cpu = cpu_seconds(pid) - cpu_before;

    std::vector<std::uint32_t> edits, cursors;
    std::uint64_t errors = 0, slow_closed = 0;
    std::mutex done;
    // Each connection's samples are read on its own strand.
    std::atomic<int> pending{static_cast<int>(connections.size())};
    for (auto& c : connections) {
      net::post(c->ws.get_executor(), [&, c] {
        std::lock_guard lock(done);
        edits.insert(edits.end(), c->edits.begin(), c->edits.end());
        cursors.insert(cursors.end(), c->cursors.begin(), c->cursors.end());
        errors += c->errors;
        --pending;
      });
    }
    while (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    (void)slow_closed;
    const Summary e = summarize(edits, elapsed);
    const Summary k = summarize(cursors, elapsed);
    const double delivered = static_cast<double>(e.count + k.count);
    boost::json::object out{{"clients", clients},
                            {"cursor_clients", cursor_clients},
                            {"cursor_rate", cursor_rate},
                            {"edit_rate", edit_rate},
                            {"phase", spread ? "spread" : "aligned"},
                            {"slow_readers", slow},
                            {"cursor_frames", batched ? "batched" : "single"},
                            {"seconds", std::round(elapsed * 10) / 10},
                            {"edits", to_json(e)},
                            {"cursors", to_json(k)},
                            {"errors", errors},
                            {"service_cpu_seconds", std::round(cpu * 100) / 100}};
    if (!pid.empty()) out["service_cpu_us_per_delivered"] = std::round(cpu / delivered * 1e7) / 10;
    std::cout << boost::json::serialize(out) << std::endl;
    std::_Exit(0);  // the sockets and threads go with the process
  } catch (const std::exception& failure) {
    std::cerr << "error: " << failure.what() << "\n";
    return 1;
  }
}
