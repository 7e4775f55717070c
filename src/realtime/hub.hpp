#pragma once
// The rooms of live connections, one per board, and the publisher of board events
// to them. The domain publishes every committed change here (REST and WebSocket
// alike); the hub fans it out under a PRODUCER span whose traceparent travels in
// the message. Presence and cursor updates are relayed between the peers of a room
// and never stored. Thread-safe: publishers run on the database threads, peers on
// their own connections' event loops.
//
// Scale-out seam: a publisher that forwards events to other instances can sit
// beside this one (domain::BoardEventPublisher); nothing here assumes one process
// beyond the rooms themselves.

#include <atomic>
#include <boost/json/array.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "domain/board_events.hpp"
#include "realtime/options.hpp"
#include "realtime/send_queue.hpp"

namespace realtime {

// One live connection as the hub sees it. Every method may be called from any thread.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::uint64_t connection_id() const noexcept = 0;
  virtual domain::Id user_id() const noexcept = 0;
  virtual const std::string& username() const noexcept = 0;
  // A board event; the peer sends events in seq order, without gaps.
  virtual void deliver_event(std::int64_t seq, Message message) = 0;
  // Presence, cursors: `cursor_sender` nonzero lets the peer coalesce.
  virtual void deliver(Message message, std::uint64_t cursor_sender) = 0;
  // Closes after what is already queued.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

enum class Admission { admitted, board_full, user_full };

class Hub final : public domain::BoardEventPublisher {
 public:
  explicit Hub(const Options& options);

  // Whether one more connection of `user_id` to the board is within the caps.
  Admission admission(domain::Id board_id, domain::Id user_id) const;
  // Adds the peer (if the caps allow), tells the others presence.joined, and fills
  // `present` with everyone in the room, the peer included.
  Admission join(domain::Id board_id, const std::shared_ptr<Peer>& peer,
                 boost::json::array& present);
  // Removes the peer and tells the others presence.left.
  void leave(domain::Id board_id, const Peer& peer);
  // To every other peer of the board.
  void relay(domain::Id board_id, const Peer& from, const Message& message,
             std::uint64_t cursor_sender);

  void publish(const telemetry::Context& ctx, const domain::BoardEvent& event) noexcept override;

  // Idempotent element.create: the first create with a client id (per user and board)
  // claims it; a retry gets the first one's ack, and a retry that arrives while the
  // first is still running waits for it (`on_settled` is called, from any thread, once
  // the first settles; the retry then claims again).
  enum class Claim { mine, done, in_flight };
  struct Claimed {
    Claim claim = Claim::mine;
    std::string ack;  // when done
  };
  Claimed claim(domain::Id user_id, const std::string& key, std::function<void()> on_settled);
  // Ends a claim: with the ack to remember, or without (the create failed; a retry
  // tries again).
  void settle(domain::Id user_id, const std::string& key, std::optional<std::string> ack);

  std::uint64_t next_connection_id() noexcept { return ++connection_ids_; }
  // Connections closed because they did not read fast enough, since start.
  void count_slow_reader() noexcept { ++slow_readers_; }
  std::uint64_t slow_readers() const noexcept { return slow_readers_; }
  std::size_t connections() const;

 private:
  using PeerList = std::vector<std::shared_ptr<Peer>>;
  struct Room {
    std::map<std::uint64_t, std::shared_ptr<Peer>> peers;  // by connection id
    // The same peers, rebuilt on join and leave: a fan-out copies one pointer.
    std::shared_ptr<const PeerList> list = std::make_shared<const PeerList>();
  };
  struct Recent {
    std::map<std::string, std::string> acks;  // key -> ack
    std::deque<std::string> order;            // oldest first
    // Creates running now, with the retries waiting for them.
    std::map<std::string, std::vector<std::function<void()>>> in_flight;
  };

  std::shared_ptr<const PeerList> peers_of(domain::Id board_id) const;
  static void rebuild(Room& room);

  const Options& options_;
  std::atomic<std::uint64_t> connection_ids_{0};
  std::atomic<std::uint64_t> slow_readers_{0};
  mutable std::mutex mutex_;
  std::map<domain::Id, Room> rooms_;
  std::map<domain::Id, std::size_t> per_user_;
  mutable std::mutex recent_mutex_;
  std::map<domain::Id, Recent> recent_;
};

}  // namespace realtime
