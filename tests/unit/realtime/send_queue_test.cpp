// The per-connection send queue: a byte bound, cursor updates coalesced to the
// latest per sender, board events never dropped nor reordered.
#include "realtime/send_queue.hpp"

#include <gtest/gtest.h>

namespace realtime {
namespace {

Message text(std::string value) {
  return std::make_shared<const std::string>(std::move(value));
}

std::vector<std::string> drain(SendQueue& queue) {
  std::vector<std::string> out;
  while (!queue.empty()) out.push_back(*queue.pop());
  return out;
}

TEST(SendQueue, KeepsOrderAndCountsBytes) {
  SendQueue queue(100);
  EXPECT_EQ(queue.push(text("e1")), SendQueue::Push::queued);
  EXPECT_EQ(queue.push(text("e2")), SendQueue::Push::queued);
  EXPECT_EQ(queue.bytes(), 4u);
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(SendQueue, ALaterCursorOfTheSameSenderReplacesTheQueuedOne) {
  SendQueue queue(100);
  queue.push(text("a@1"), 7);
  queue.push(text("event"));
  queue.push(text("b@1"), 8);
  EXPECT_EQ(queue.push(text("a@2"), 7), SendQueue::Push::coalesced);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"a@2", "event", "b@1"}));
}

TEST(SendQueue, OverTheBoundThePushFailsAndNothingIsLostSilently) {
  SendQueue queue(10);
  EXPECT_EQ(queue.push(text("12345678")), SendQueue::Push::queued);
  EXPECT_EQ(queue.push(text("abc")), SendQueue::Push::overflow);
  EXPECT_EQ(queue.push(text("c1"), 3), SendQueue::Push::queued);
  // Coalescing still works when full: the cursor is replaced, not added.
  EXPECT_EQ(queue.push(text("c2"), 3), SendQueue::Push::coalesced);
  EXPECT_EQ(queue.bytes(), 10u);
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"12345678", "c2"}));
}

TEST(SendQueue, CursorMovesQueuedInARowLeaveAsOneBatchFrame) {
  SendQueue queue(1000);
  queue.push(text(R"({"type":"presence.joined"})"));
  queue.push(text(R"({"type":"cursor.moved","x":1})"), 7);
  queue.push(text(R"({"type":"cursor.moved","x":2})"), 8);
  queue.push(text(R"({"type":"element.updated","seq":3})"));
  queue.push(text(R"({"type":"cursor.moved","x":3})"), 9);
  std::vector<std::string> frames;
  while (!queue.empty()) frames.push_back(*queue.pop_batched());
  EXPECT_EQ(frames, (std::vector<std::string>{
                        R"({"type":"presence.joined"})",
                        R"({"type":"cursor.moved.batch","moves":[{"type":"cursor.moved","x":1},)"
                        R"({"type":"cursor.moved","x":2}]})",
                        R"({"type":"element.updated","seq":3})",
                        R"({"type":"cursor.moved","x":3})",  // alone: not wrapped
                    }));
  EXPECT_EQ(queue.bytes(), 0u);
}

}  // namespace
}  // namespace realtime
