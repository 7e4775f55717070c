#include "realtime/send_queue.hpp"

#include <algorithm>
#include <string_view>

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

Message SendQueue::pop_batched() {
  const bool cursor = entries_.front().cursor_sender != 0;
  Message first = pop();
  if (!cursor || entries_.empty() || entries_.front().cursor_sender == 0) return first;
  // Each move is serialized once for the whole room; the batch only joins the texts.
  constexpr std::string_view head = R"({"type":"cursor.moved.batch","moves":[)";
  auto batch = std::make_shared<std::string>();
  batch->reserve(head.size() + 2 + (first->size() + 1) * (entries_.size() + 1));
  *batch += head;
  *batch += *first;
  while (!entries_.empty() && entries_.front().cursor_sender != 0) {
    *batch += ',';
    *batch += *pop();
  }
  *batch += "]}";
  return batch;
}

}  // namespace realtime
