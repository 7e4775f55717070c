#include "realtime/client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "api/domain_call.hpp"
#include "api/element_input.hpp"
#include "domain/errors.hpp"
#include "telemetry/propagation/request_id.hpp"
#include "telemetry/propagation/traceparent.hpp"

namespace realtime {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace net::experimental::awaitable_operators;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using beast_status = beast::http::status;

namespace {

// Elements per snapshot part: each part stays well under the frame limit clients
// are likely to keep, and the whole snapshot is written before live events start.
constexpr std::size_t kSnapshotPart = 200;

// How long a peer has to take our close before the socket is cut: a slow reader
// that resumes reading in time still gets the close frame with its code.
constexpr std::chrono::seconds kCloseGrace{5};

// More events than this waiting for an earlier one: the gap will not fill.
constexpr std::size_t kMaxHeld = 1024;

telemetry::SpanContext parent_of(const std::string& traceparent) {
  telemetry::propagation::Traceparent parsed;
  if (traceparent.empty() || telemetry::propagation::parse_traceparent(traceparent, parsed) !=
                                 telemetry::propagation::TraceparentError::none) {
    return {};
  }
  telemetry::SpanContext parent;
  parent.trace_id = parsed.trace_id;
  parent.span_id = parsed.parent_id;
  parent.flags = parsed.flags & telemetry::propagation::kKnownTraceFlags;
  parent.remote = true;
  return parent;
}

http::ApiError rate_limited(std::string_view what) {
  http::ApiError error(beast_status::too_many_requests, "rate_limited",
                       "too many " + std::string(what) + " on this connection; slow down");
  return error;
}

const boost::json::value& field_or_null(const boost::json::object& body, std::string_view name) {
  static const boost::json::value null;
  const auto* found = body.if_contains(name);
  return found == nullptr ? null : *found;
}

domain::Id element_id_of(const boost::json::object& body) {
  const auto& id = field_or_null(body, "element_id");
  if (!id.is_int64() || id.as_int64() <= 0) {
    throw http::ApiError(beast_status::unprocessable_entity, "validation_failed",
                         "element_id must be a positive integer");
  }
  return id.as_int64();
}

}  // namespace

// A burst of one second's worth, then `per_second` on average.
// Lines of the connection (not of one message) carry the upgrade request's trace
// and request id, and the user.
void Client::log(telemetry::logs::Level level, std::string_view message,
                 std::initializer_list<telemetry::logs::Field> fields) const {
  const auto& logger = services_.api.logger;
  if (!logger.enabled(level, "realtime")) return;
  const telemetry::logs::Correlation correlation{&admitted_.upgrade_span, admitted_.request_id,
                                                 admitted_.user.id};
  logger.write(level, "realtime", message, {fields.begin(), fields.size()}, &correlation);
}

bool Client::Bucket::take(double per_second) {
  const auto now = std::chrono::steady_clock::now();
  if (!started) {
    tokens = per_second;
    started = true;
  } else {
    tokens =
        std::min(per_second, tokens + std::chrono::duration<double>(now - at).count() * per_second);
  }
  at = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

Client::Client(Services services, Admitted admitted)
    : services_(services),
      admitted_(std::move(admitted)),
      connection_id_(services_.hub.next_connection_id()),
      queue_(services_.options.send_queue_bytes) {}

net::awaitable<bool> Client::accept(beast::tcp_stream& stream, const http::RawRequest& request,
                                    std::vector<std::pair<std::string, std::string>> headers) {
  ws_.emplace(stream);
  wake_.emplace(stream.get_executor());
  deadline_.emplace(stream.get_executor());
  join_wait_.emplace(stream.get_executor());
  synced_signal_.emplace(stream.get_executor(), net::steady_timer::time_point::max());
  ws_->read_message_max(services_.options.max_message_bytes);
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = services_.options.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_->set_option(timeouts);
  ws_->set_option(websocket::stream_base::decorator(
      [protocol = admitted_.subprotocol,
       headers = std::move(headers)](websocket::response_type& response) {
        for (const auto& [name, value] : headers) response.set(name, value);
        if (!protocol.empty()) response.set(beast::http::field::sec_websocket_protocol, protocol);
      }));
  auto [ec] = co_await ws_->async_accept(request, use_tuple);
  co_return !ec;
}

void Client::deliver_event(std::int64_t seq, Message message) {
  push_inbox(Inbound{seq, std::move(message), 0});
}

void Client::deliver(Message message, std::uint64_t cursor_sender) {
  push_inbox(Inbound{0, std::move(message), cursor_sender});
}

void Client::push_inbox(Inbound item) {
  bool post = false;
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(item));
    post = !drain_posted_;
    drain_posted_ = true;
  }
  if (post) net::post(ws_->get_executor(), [self = shared_from_this()] { self->drain_inbox(); });
}

void Client::drain_inbox() {
  {
    std::lock_guard lock(inbox_mutex_);
    draining_.swap(inbox_);
    drain_posted_ = false;
  }
  bool events = false;
  for (Inbound& item : draining_) {
    if (close_code_ || finished_) break;
    if (item.seq == 0) {
      enqueue(std::move(item.message), item.cursor_sender);
    } else if (!synced_ || item.seq > last_seq_) {  // else: already in the catch-up
      held_.emplace(item.seq, std::move(item.message));
      events = true;
    }
  }
  draining_.clear();
  if (events && synced_ && !close_code_ && !finished_) release_held();
}

void Client::cork(bool on) noexcept {
  if (corked_ == on) return;
  corked_ = on;
  const int value = on ? 1 : 0;
  // Failing only costs packets: the frames still go out, one by one.
  ::setsockopt(beast::get_lowest_layer(*ws_).socket().native_handle(), IPPROTO_TCP, TCP_CORK,
               &value, sizeof value);
}

void Client::close(std::uint16_t code, std::string reason) {
  net::post(ws_->get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    self->begin_close(code, reason);
  });
}

// Events go out in seq order without gaps: a later one waits for the earlier ones,
// which are published by other threads an instant later.
void Client::release_held() {
  while (!held_.empty() && held_.begin()->first <= last_seq_) held_.erase(held_.begin());
  while (!held_.empty() && held_.begin()->first == last_seq_ + 1) {
    enqueue(held_.begin()->second);
    last_seq_ = held_.begin()->first;
    held_.erase(held_.begin());
  }
  if (held_.size() > kMaxHeld) begin_close(4409, "out of sync; reconnect with since");
}

void Client::enqueue(Message message, std::uint64_t cursor_sender) {
  if (close_code_) return;
  if (queue_.push(std::move(message), cursor_sender) == SendQueue::Push::overflow) {
    log(telemetry::logs::Level::warn, "closing a connection that does not keep up",
        {{"connection_id", static_cast<std::int64_t>(connection_id_)},
         {"board_id", admitted_.board_id},
         {"queued_bytes", static_cast<std::int64_t>(queue_.bytes())}});
    services_.hub.count_slow_reader();
    // What is queued will not be read in time either.
    while (!queue_.empty()) queue_.pop();
    begin_close(static_cast<std::uint16_t>(websocket::close_code::policy_error),
                "send queue full: the client does not read fast enough");
    return;
  }
  wake_->cancel();
}

void Client::begin_close(std::uint16_t code, std::string reason) {
  if (close_code_ || finished_) return;
  close_code_ = code;
  close_reason_ = std::move(reason);
  wake_->cancel();
  join_go_ = true;
  join_wait_->cancel();
  synced_signal_->cancel();
  // A peer that neither reads nor answers the close is cut off.
  deadline_->expires_after(kCloseGrace);
  deadline_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    boost::system::error_code ignored;
    beast::get_lowest_layer(*self->ws_).socket().close(ignored);
  });
}

net::awaitable<void> Client::run() {
  opened_at_ = std::chrono::steady_clock::now();
  const Admission admitted = services_.hub.join(admitted_.board_id, shared_from_this(), present_);
  if (admitted != Admission::admitted) {
    co_await ws_->async_close(
        websocket::close_reason(websocket::close_code::try_again_later, "too many connections"),
        use_tuple);
    co_return;
  }
  log(telemetry::logs::Level::info, "websocket opened",
      {{"connection_id", static_cast<std::int64_t>(connection_id_)},
       {"board_id", admitted_.board_id}});

  // The writer sends the snapshot or catch-up first, then what was queued meanwhile;
  // the reader runs from the start, since the first message may say `since`.
  co_await (read_loop() && write_loop());
  services_.hub.leave(admitted_.board_id, *this);
  // Work posted before the leave may still run; the stream is not ours any more.
  finished_ = true;
  deadline_->cancel();
  const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - opened_at_);
  log(telemetry::logs::Level::info, "websocket closed",
      {{"connection_id", static_cast<std::int64_t>(connection_id_)},
       {"board_id", admitted_.board_id},
       {"close_code", static_cast<std::int64_t>(closed_with_)},
       {"reason", closed_reason_},
       {"duration_ms", static_cast<std::int64_t>(duration.count())},
       {"messages_in", static_cast<std::int64_t>(messages_in_)},
       {"messages_out", static_cast<std::int64_t>(messages_out_)}});
}

// Without ?since= on the upgrade the client may say it in its first message
// ({"type":"join","since":N}); the snapshot waits for that message a moment
// (Options::join_wait), and any other first message ends the wait at once.
net::awaitable<void> Client::start_sync() {
  if (!admitted_.since && services_.options.join_wait.count() > 0 && !join_go_) {
    join_wait_->expires_after(services_.options.join_wait);
    co_await join_wait_->async_wait(use_tuple);
  }
  join_started_ = true;
  if (close_code_) co_return;
  try {
    co_await join();
  } catch (const std::exception& failure) {
    log(telemetry::logs::Level::error, "websocket join failed",
        {{"connection_id", static_cast<std::int64_t>(connection_id_)},
         {"board_id", admitted_.board_id},
         {"error", failure.what()}});
    begin_close(static_cast<std::uint16_t>(websocket::close_code::internal_error),
                "could not join");
  }
}

// The first message, when it is a join: where the catch-up starts.
void Client::take_join(const ClientMessage& message) {
  const auto& since = field_or_null(message.body, "since");
  if (!since.is_int64() || since.as_int64() < 0) {
    throw http::ApiError(beast_status::bad_request, "bad_request",
                         "since must be the last seq the client saw (an integer >= 0)");
  }
  admitted_.since = since.as_int64();
}

// The snapshot, or the events since the client's last seq, written before anything
// else; live events that arrive meanwhile wait in held_ and follow without a gap.
net::awaitable<void> Client::join() {
  telemetry::Span span =
      services_.tracer.start_span("WS join", telemetry::SpanKind::server, admitted_.upgrade_span);
  span.set_attribute("board.id", admitted_.board_id);
  telemetry::RequestIdentity identity{telemetry::propagation::new_request_id(), admitted_.user.id};
  const telemetry::Context ctx(services_.api.logger, span, identity);
  auto& sync = services_.api.services.sync();
  const domain::JoinState state = co_await api::call_domain(services_.api.executor, [&] {
    return sync.join(ctx, admitted_.user.id, admitted_.board_id, admitted_.since);
  });

  std::vector<std::string> out;
  if (state.snapshot) {
    const auto& elements = state.snapshot->elements;
    const std::size_t parts =
        std::max<std::size_t>(1, (elements.size() + kSnapshotPart - 1) / kSnapshotPart);
    for (std::size_t part = 0; part < parts; ++part) {
      boost::json::array items;
      for (std::size_t i = part * kSnapshotPart;
           i < elements.size() && i < (part + 1) * kSnapshotPart; ++i) {
        items.push_back(domain::element_data(elements[i]).at("element"));
      }
      boost::json::object message{{"type", "snapshot"}, {"board_id", admitted_.board_id},
                                  {"seq", state.seq},   {"part", part + 1},
                                  {"parts", parts},     {"elements", std::move(items)}};
      if (part == 0) message["present"] = present_;
      out.push_back(to_text(message));
    }
  } else {
    out.push_back(
        to_text(boost::json::object{{"type", "catch_up"},
                                    {"board_id", admitted_.board_id},
                                    {"since", *admitted_.since},
                                    {"seq", state.seq},
                                    {"events", static_cast<std::int64_t>(state.events.size())},
                                    {"present", present_}}));
    for (const auto& event : state.events) out.push_back(to_text(event_message(event)));
  }
  span.set_attribute("realtime.join.messages", static_cast<std::int64_t>(out.size()));
  span.set_attribute("realtime.join.snapshot", state.snapshot.has_value());
  span.end();
  for (const auto& text : out) {
    auto [ec, n] = co_await ws_->async_write(net::buffer(text), use_tuple);
    if (ec) throw boost::system::system_error(ec);
    ++messages_out_;
  }
  last_seq_ = state.seq;
  synced_ = true;
  synced_signal_->cancel();
  release_held();
}

net::awaitable<void> Client::read_loop() {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws_->async_read(buffer, use_tuple);
    if (ec) {
      if (ec == websocket::error::closed) {
        closed_with_ = ws_->reason().code;
        closed_reason_ = std::string(ws_->reason().reason.c_str());
      } else if (ec == websocket::error::message_too_big) {
        closed_with_ = static_cast<std::uint16_t>(websocket::close_code::too_big);
        closed_reason_ =
            "message over " + std::to_string(services_.options.max_message_bytes) + " bytes";
      } else if (close_code_) {
        closed_with_ = *close_code_;
        closed_reason_ = close_reason_;
      } else {
        closed_reason_ = ec.message();
      }
      if (close_code_ && ec == websocket::error::closed) {
        closed_with_ = *close_code_;
        closed_reason_ = close_reason_;
      }
      break;
    }
    ++messages_in_;
    const std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (close_code_) continue;  // closing: what the client still sends is not served
    co_await handle(text, messages_in_ == 1 && !join_started_);
  }
  reading_done_ = true;
  wake_->cancel();
  join_go_ = true;
  join_wait_->cancel();
}

net::awaitable<void> Client::write_loop() {
  co_await start_sync();
  for (;;) {
    while (!queue_.empty()) {
      // The frames that queued up while the previous batch was written go out
      // together: corked, the kernel sends them in full packets rather than one each.
      // Uncorked after each batch, so no frame waits for later ones.
      std::size_t batch = queue_.size();
      if (batch > 1) cork(true);
      for (; batch > 0 && !queue_.empty(); --batch) {
        const Message message = admitted_.cursors_batched ? queue_.pop_batched() : queue_.pop();
        auto [ec, n] = co_await ws_->async_write(net::buffer(*message), use_tuple);
        if (ec) co_return;
        ++messages_out_;
      }
      cork(false);
    }
    if (reading_done_) co_return;
    if (close_code_) {
      co_await ws_->async_close(
          websocket::close_reason(static_cast<websocket::close_code>(*close_code_), close_reason_),
          use_tuple);
      co_return;
    }
    wake_->expires_at(std::chrono::steady_clock::time_point::max());
    co_await wake_->async_wait(use_tuple);
  }
}

net::awaitable<void> Client::handle(const std::string& text, bool may_join) {
  telemetry::RequestIdentity identity{telemetry::propagation::new_request_id(), admitted_.user.id};
  std::optional<ClientMessage> message;
  std::optional<http::ApiError> refusal;
  try {
    message = parse_client_message(text);
  } catch (const http::ApiError& error) {
    refusal = error;
  }
  const std::string name = "WS " + (message ? message->type_name : std::string("invalid"));
  telemetry::Span span = services_.tracer.start_span(
      name, telemetry::SpanKind::server, parent_of(message ? message->traceparent : std::string()));
  span.add_link(admitted_.upgrade_span);
  span.set_attribute("board.id", admitted_.board_id);
  span.set_attribute("websocket.message.type", message ? message->type_name : "invalid");
  span.set_attribute("websocket.message.size", static_cast<std::int64_t>(text.size()));
  span.set_attribute("realtime.connection_id", static_cast<std::int64_t>(connection_id_));
  const telemetry::Context ctx(services_.api.logger, span, identity);
  const boost::json::value no_id;
  try {
    if (may_join) {
      // The first message ends the wait for a join, whatever it is.
      join_go_ = true;
      join_wait_->cancel();
      if (message && message->type == ClientType::join) {
        take_join(*message);
        co_return;
      }
    }
    // Messages are served after the snapshot or catch-up, as on a connection that
    // sent nothing in the meantime: an edit's event then follows the snapshot.
    while (!synced_ && !close_code_) co_await synced_signal_->async_wait(use_tuple);
    if (close_code_) co_return;
    if (refusal) throw *refusal;
    switch (message->type) {
      case ClientType::element_create:
      case ClientType::element_update:
      case ClientType::element_delete:
        co_await handle_edit(*message, ctx);
        break;
      case ClientType::cursor_move:
        handle_cursor(*message);
        break;
      case ClientType::ping: {
        boost::json::object pong{{"type", "pong"}};
        if (!message->id.is_null()) pong["id"] = message->id;
        send(pong);
        break;
      }
      case ClientType::join:
        throw http::ApiError(beast_status::bad_request, "bad_request",
                             "join must be the first message, on a connection opened without "
                             "?since=, within BOARD_WS_JOIN_WAIT_MS");
      case ClientType::unknown:
        throw http::ApiError(beast_status::bad_request, "bad_request",
                             "unknown message type; see docs/realtime.md");
    }
  } catch (const http::ApiError& error) {
    if (static_cast<unsigned>(error.status()) >= 500) {
      span.set_status(telemetry::StatusCode::error, error.code());
    }
    span.set_attribute("error.code", error.code());
    send(error_message(message ? message->id : no_id, error, identity.request_id));
  } catch (const std::exception& failure) {
    span.record_exception("std::exception", failure.what());
    span.set_status(telemetry::StatusCode::error, "internal_error");
    ctx.error("realtime", "message failed with an unexpected error", {{"error", failure.what()}});
    const http::ApiError internal(beast_status::internal_server_error, "internal_error",
                                  "the server failed to handle the message");
    send(error_message(message ? message->id : no_id, internal, identity.request_id));
  }
}

net::awaitable<void> Client::handle_edit(const ClientMessage& message,
                                         const telemetry::Context& ctx) {
  if (!edits_.take(services_.options.edits_per_second)) throw rate_limited("edits");
  auto& elements = services_.api.services.elements();
  auto& executor = services_.api.executor;
  const domain::Id user = admitted_.user.id;
  const domain::Id board = admitted_.board_id;
  boost::json::object ack{{"type", "ack"}};
  if (!message.id.is_null()) ack["id"] = message.id;

  if (message.type == ClientType::element_create) {
    co_await create_once(message, ctx, std::move(ack));
  } else if (message.type == ClientType::element_update) {
    const domain::Id element_id = element_id_of(message.body);
    const domain::ElementPatch patch =
        api::read_element_patch(field_or_null(message.body, "patch"));
    const auto updated = co_await api::call_domain(
        executor, [&] { return elements.update_recorded(ctx, user, board, element_id, patch); });
    ack["seq"] = updated.event.seq;
    ack["element"] = updated.event.data.at("element");
    send(ack);
  } else {
    const domain::Id element_id = element_id_of(message.body);
    const auto removed = co_await api::call_domain(
        executor, [&] { return elements.remove_recorded(ctx, user, board, element_id); });
    ack["seq"] = removed.seq;
    ack["element_id"] = element_id;
    send(ack);
  }
}

// A retried create (same client id, e.g. after a reconnect, even while the first is
// still running) gets the first answer and creates nothing.
net::awaitable<void> Client::create_once(const ClientMessage& message,
                                         const telemetry::Context& ctx, boost::json::object ack) {
  const domain::ElementDraft draft =
      api::read_element_draft(field_or_null(message.body, "element"));
  const domain::Id user = admitted_.user.id;
  const domain::Id board = admitted_.board_id;
  auto create = [&]() -> net::awaitable<std::string> {
    auto& elements = services_.api.services.elements();
    const auto created = co_await api::call_domain(
        services_.api.executor, [&] { return elements.create_recorded(ctx, user, board, draft); });
    ack["seq"] = created.event.seq;
    ack["element"] = created.event.data.at("element");
    co_return to_text(ack);
  };
  if (message.id.is_null()) {
    enqueue(std::make_shared<std::string>(co_await create()));
    co_return;
  }
  const std::string key = std::to_string(board) + ":" + boost::json::serialize(message.id);
  Hub& hub = services_.hub;
  for (;;) {
    // The first create's end wakes this loop; it cannot run before the wait below
    // starts, since both happen on this loop with no suspension between them.
    auto settled = std::make_shared<net::steady_timer>(ws_->get_executor(),
                                                       net::steady_timer::time_point::max());
    auto claimed = hub.claim(user, key, [settled, executor = ws_->get_executor()] {
      net::post(executor, [settled] { settled->cancel(); });
    });
    if (claimed.claim == Hub::Claim::done) {
      enqueue(std::make_shared<std::string>(std::move(claimed.ack)));
      co_return;
    }
    if (claimed.claim == Hub::Claim::mine) break;
    ctx.span().add_event("waiting for the same create on another connection");
    co_await settled->async_wait(use_tuple);
  }
  std::string text;
  try {
    text = co_await create();
  } catch (...) {
    hub.settle(user, key, std::nullopt);
    throw;
  }
  hub.settle(user, key, text);
  enqueue(std::make_shared<std::string>(std::move(text)));
}

void Client::handle_cursor(const ClientMessage& message) {
  // Cursors are droppable: over the rate, the move is skipped without an answer.
  if (!cursors_.take(services_.options.cursors_per_second)) return;
  const auto& x = field_or_null(message.body, "x");
  const auto& y = field_or_null(message.body, "y");
  if (!x.is_number() || !y.is_number()) {
    throw http::ApiError(beast_status::unprocessable_entity, "validation_failed",
                         "cursor.move needs numbers x and y");
  }
  boost::json::object moved{{"type", "cursor.moved"},
                            {"connection_id", connection_id_},
                            {"user_id", admitted_.user.id},
                            {"username", admitted_.user.username},
                            {"x", x},
                            {"y", y}};
  services_.hub.relay(admitted_.board_id, *this,
                      std::make_shared<const std::string>(to_text(moved)), connection_id_);
}

}  // namespace realtime
