#include "realtime/hub.hpp"

#include <boost/json/object.hpp>

#include "realtime/protocol.hpp"
#include "telemetry/propagation/traceparent.hpp"

namespace realtime {

namespace {

Message shared(const boost::json::object& message) {
  return std::make_shared<const std::string>(to_text(message));
}

boost::json::object presence(std::string_view type, const Peer& peer) {
  return boost::json::object{{"type", type},
                             {"connection_id", peer.connection_id()},
                             {"user_id", peer.user_id()},
                             {"username", peer.username()}};
}

}  // namespace

Hub::Hub(const Options& options) : options_(options) {}

Admission Hub::admission(domain::Id board_id, domain::Id user_id) const {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(board_id);
  if (room != rooms_.end() && room->second.peers.size() >= options_.max_connections_per_board) {
    return Admission::board_full;
  }
  const auto user = per_user_.find(user_id);
  if (user != per_user_.end() && user->second >= options_.max_connections_per_user) {
    return Admission::user_full;
  }
  return Admission::admitted;
}

Admission Hub::join(domain::Id board_id, const std::shared_ptr<Peer>& peer,
                    boost::json::array& present) {
  std::shared_ptr<const PeerList> others;  // the room as it was before this peer
  {
    const Admission admitted = admission(board_id, peer->user_id());
    if (admitted != Admission::admitted) return admitted;
    std::lock_guard lock(mutex_);
    Room& room = rooms_[board_id];
    others = room.list;
    room.peers.emplace(peer->connection_id(), peer);
    rebuild(room);
    ++per_user_[peer->user_id()];
  }
  const Message joined = shared(presence("presence.joined", *peer));
  for (const auto& other : *others) {
    other->deliver(joined, 0);
    present.push_back(presence("presence", *other));
  }
  present.push_back(presence("presence", *peer));
  return Admission::admitted;
}

void Hub::leave(domain::Id board_id, const Peer& peer) {
  {
    std::lock_guard lock(mutex_);
    const auto room = rooms_.find(board_id);
    if (room == rooms_.end() || room->second.peers.erase(peer.connection_id()) == 0) return;
    if (room->second.peers.empty()) {
      rooms_.erase(room);
    } else {
      rebuild(room->second);
    }
    if (--per_user_[peer.user_id()] == 0) per_user_.erase(peer.user_id());
  }
  const Message left = shared(presence("presence.left", peer));
  for (const auto& other : *peers_of(board_id)) other->deliver(left, 0);
}

void Hub::relay(domain::Id board_id, const Peer& from, const Message& message,
                std::uint64_t cursor_sender) {
  const auto peers = peers_of(board_id);
  for (const auto& peer : *peers) {
    if (peer.get() != &from) peer->deliver(message, cursor_sender);
  }
}

void Hub::publish(const telemetry::Context& ctx, const domain::BoardEvent& event) noexcept {
  try {
    // Messaging conventions: a PRODUCER span named "{operation} {destination}", the
    // destination by its template so that names stay few.
    telemetry::Span span = ctx.span().start_child("publish board", telemetry::SpanKind::producer);
    span.set_attribute("messaging.system", "realtime-board");
    span.set_attribute("messaging.operation.name", "publish");
    span.set_attribute("messaging.destination.template", "board/{id}");
    span.set_attribute("board.id", event.board_id);
    span.set_attribute("board.seq", event.seq);
    span.set_attribute("board.event", event.type);
    boost::json::object message = event_message(event);
    message["traceparent"] = telemetry::propagation::format_traceparent(span.context());
    const Message text = shared(message);
    const auto peers = peers_of(event.board_id);
    const PeerList& recipients = *peers;
    span.set_attribute("messaging.batch.message_count",
                       static_cast<std::int64_t>(recipients.size()));
    for (const auto& peer : recipients) peer->deliver_event(event.seq, text);

    // Membership changes take effect on live connections at once.
    if (event.type == domain::event_type::member_removed) {
      const auto* removed = event.data.if_contains("user_id");
      for (const auto& peer : recipients) {
        if (removed && removed->is_int64() && removed->as_int64() == peer->user_id()) {
          peer->close(4403, "no longer a member of this board");
        }
      }
    } else if (event.type == domain::event_type::board_deleted) {
      for (const auto& peer : recipients) peer->close(4404, "the board was deleted");
    }
  } catch (const std::exception& failure) {
    // The change is committed and stored; clients catch up when they reconnect.
    ctx.error("realtime", "could not publish a board event",
              {{"board_id", event.board_id}, {"seq", event.seq}, {"error", failure.what()}});
  }
}

Hub::Claimed Hub::claim(domain::Id user_id, const std::string& key,
                        std::function<void()> on_settled) {
  std::lock_guard lock(recent_mutex_);
  Recent& recent = recent_[user_id];
  if (const auto done = recent.acks.find(key); done != recent.acks.end()) {
    return {Claim::done, done->second};
  }
  if (const auto running = recent.in_flight.find(key); running != recent.in_flight.end()) {
    running->second.push_back(std::move(on_settled));
    return {Claim::in_flight, {}};
  }
  recent.in_flight.emplace(key, std::vector<std::function<void()>>{});
  return {Claim::mine, {}};
}

void Hub::settle(domain::Id user_id, const std::string& key, std::optional<std::string> ack) {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(recent_mutex_);
    Recent& recent = recent_[user_id];
    if (const auto running = recent.in_flight.find(key); running != recent.in_flight.end()) {
      waiting = std::move(running->second);
      recent.in_flight.erase(running);
    }
    if (ack && recent.acks.emplace(key, std::move(*ack)).second) {
      recent.order.push_back(key);
      while (recent.order.size() > options_.idempotency_window) {
        recent.acks.erase(recent.order.front());
        recent.order.pop_front();
      }
    }
  }
  for (auto& wake : waiting) wake();
}

std::size_t Hub::connections() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [board, room] : rooms_) count += room.peers.size();
  return count;
}

std::shared_ptr<const Hub::PeerList> Hub::peers_of(domain::Id board_id) const {
  static const auto none = std::make_shared<const PeerList>();
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(board_id);
  return room == rooms_.end() ? none : room->second.list;
}

void Hub::rebuild(Room& room) {
  auto list = std::make_shared<PeerList>();
  list->reserve(room.peers.size());
  for (const auto& [id, peer] : room.peers) list->push_back(peer);
  room.list = std::move(list);
}

}  // namespace realtime
