#include "realtime/send_queue.hpp"

#include <algorithm>

namespace realtime {

SendQueue::Push SendQueue::push(Message message, std::uint64_t cursor_sender) {
  if (cursor_sender != 0) {
    const auto queued = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& entry) {
      return entry.cursor_sender == cursor_sender;
    });
    if (queued != entries_.end()) {
      bytes_ = bytes_ - queued->message->size() + message->size();
      queued->message = std::move(message);
      return Push::coalesced;
    }
  }
  if (bytes_ + message->size() > max_bytes_) return Push::overflow;
  bytes_ += message->size();
  entries_.push_back(Entry{std::move(message), cursor_sender});
  return Push::queued;
}

Message SendQueue::pop() {
  Entry entry = std::move(entries_.front());
  entries_.pop_front();
  bytes_ -= entry.message->size();
  return std::move(entry.message);
}

}  // namespace realtime
