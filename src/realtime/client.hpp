#pragma once
// One WebSocket connection to a board, after its upgrade request was accepted: joins
// the board's room, sends the snapshot or the events the client missed, then reads
// messages (each under its own SERVER span, linked to the upgrade's span) and writes
// from a bounded queue, until either side closes. Everything runs on the
// connection's event loop; the hub reaches it through Peer from any thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/dependencies.hpp"
#include "domain/entities.hpp"
#include "http/request.hpp"
#include "realtime/hub.hpp"
#include "realtime/options.hpp"
#include "realtime/protocol.hpp"
#include "realtime/send_queue.hpp"
#include "telemetry/trace/span_context.hpp"
#include "telemetry/trace/tracer.hpp"

namespace realtime {

// What the real-time layer is built from; the app keeps it alive.
struct Services {
  api::Dependencies& api;  // use cases, executor, logger
  Hub& hub;
  const Options& options;
  telemetry::Tracer& tracer;
};

// What the upgrade request established.
struct Admitted {
  domain::User user;
  domain::Id board_id = 0;
  std::optional<std::int64_t> since;  // nullopt: the client wants a snapshot
  std::string subprotocol;            // answered in the handshake; empty for none
  bool cursors_batched = false;       // ?cursors=batched: queued moves go in one frame
  telemetry::SpanContext upgrade_span;
  std::string request_id;  // of the upgrade request
};

class Client final : public Peer, public std::enable_shared_from_this<Client> {
 public:
  Client(Services services, Admitted admitted);

  boost::asio::awaitable<bool> accept(boost::beast::tcp_stream& stream,
                                      const http::RawRequest& request,
                                      std::vector<std::pair<std::string, std::string>> headers);
  boost::asio::awaitable<void> run();

  std::uint64_t connection_id() const noexcept override { return connection_id_; }
  domain::Id user_id() const noexcept override { return admitted_.user.id; }
  const std::string& username() const noexcept override { return admitted_.user.username; }
  void deliver_event(std::int64_t seq, Message message) override;
  void deliver(Message message, std::uint64_t cursor_sender) override;
  void close(std::uint16_t code, std::string reason) override;

 private:
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream&>;

  boost::asio::awaitable<void> join();
  boost::asio::awaitable<void> start_sync();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> handle(const std::string& text, bool may_join);
  void take_join(const ClientMessage& message);
  boost::asio::awaitable<void> create_once(const ClientMessage& message,
                                           const telemetry::Context& ctx, boost::json::object ack);
  boost::asio::awaitable<void> handle_edit(const ClientMessage& message,
                                           const telemetry::Context& ctx);
  void handle_cursor(const ClientMessage& message);

  // What the hub hands over from any thread waits in the inbox; one post per batch
  // moves it to the event loop, however many messages arrive meanwhile.
  struct Inbound {
    std::int64_t seq = 0;  // nonzero: a board event
    Message message;
    std::uint64_t cursor_sender = 0;
  };
  void push_inbox(Inbound item);
  void drain_inbox();
  // Small frames written back to back leave in as few packets as possible.
  void cork(bool on) noexcept;

  // On the connection's event loop.
  void enqueue(Message message, std::uint64_t cursor_sender = 0);
  void send(const boost::json::object& message) {
    enqueue(std::make_shared<std::string>(to_text(message)));
  }
  void release_held();
  void begin_close(std::uint16_t code, std::string reason);
  void log(telemetry::logs::Level level, std::string_view message,
           std::initializer_list<telemetry::logs::Field> fields) const;

  Services services_;
  Admitted admitted_;
  std::uint64_t connection_id_;
  std::optional<WebSocket> ws_;
  std::optional<boost::asio::steady_timer> wake_;           // the writer waits on it
  std::optional<boost::asio::steady_timer> deadline_;       // ends a close the peer ignores
  std::optional<boost::asio::steady_timer> join_wait_;      // for a first message "join"
  std::optional<boost::asio::steady_timer> synced_signal_;  // messages wait for the join
  bool join_go_ = false;                                    // the wait for a "join" message is over
  bool join_started_ = false;  // the snapshot or catch-up is being read
  SendQueue queue_;
  std::mutex inbox_mutex_;
  std::vector<Inbound> inbox_;     // guarded by inbox_mutex_
  bool drain_posted_ = false;      // guarded by inbox_mutex_
  std::vector<Inbound> draining_;  // on the event loop; keeps its capacity between batches
  bool corked_ = false;

  boost::json::array present_;            // who was in the room on joining
  bool synced_ = false;                   // the snapshot or catch-up has been sent
  std::int64_t last_seq_ = 0;             // the latest board event queued for the client
  std::map<std::int64_t, Message> held_;  // events waiting for an earlier seq
  bool reading_done_ = false;
  bool finished_ = false;                    // run() has returned
  std::optional<std::uint16_t> close_code_;  // set once a close was decided
  std::string close_reason_;
  std::uint16_t closed_with_ = 1006;  // what ended the connection, for the log line
  std::string closed_reason_;

  // Per-connection rate limits (token buckets, refilled by elapsed time).
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at{};
    bool started = false;
    bool take(double per_second);
  };
  Bucket edits_, cursors_;

  std::uint64_t messages_in_ = 0;
  std::uint64_t messages_out_ = 0;
  std::chrono::steady_clock::time_point opened_at_;
};

}  // namespace realtime
