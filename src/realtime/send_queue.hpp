#pragma once
// A connection's outgoing messages, bounded in bytes. A cursor update replaces the
// queued one from the same sender (only the latest position matters), so a reader
// that falls behind gets fewer cursor frames first; when the queue is still over its
// bound the push fails and the caller closes the connection. Board events are never
// dropped nor reordered. Not thread-safe: the connection's event loop owns it.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace realtime {

using Message = std::shared_ptr<const std::string>;

class SendQueue {
 public:
  explicit SendQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  enum class Push { queued, coalesced, overflow };
  // `cursor_sender`: nonzero for a cursor update from that sender.
  Push push(Message message, std::uint64_t cursor_sender = 0);
  // The oldest message; empty() must be false.
  Message pop();
  // As pop(), but when the oldest message is a cursor update, the cursor updates
  // queued right after it leave with it as one frame
  // {"type":"cursor.moved.batch","moves":[...]} (a lone one stays as it is). Takes
  // only what is queued: nothing waits for a batch to fill.
  Message pop_batched();

  bool empty() const noexcept { return entries_.empty(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    Message message;
    std::uint64_t cursor_sender = 0;
  };
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<Entry> entries_;
};

}  // namespace realtime
