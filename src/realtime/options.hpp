#pragma once
// The real-time layer's limits, each a documented setting (README.md, BOARD_WS_*).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace realtime {

struct Options {
  std::size_t max_message_bytes = 64 * 1024;       // a larger frame closes with 1009
  std::size_t send_queue_bytes = 1024 * 1024;      // per connection, then coalesce, then close
  std::chrono::milliseconds idle_timeout{60'000};  // no frame and no pong for this long
  std::size_t max_connections_per_board = 200;
  std::size_t max_connections_per_user = 20;
  double edits_per_second = 50;          // per connection; more answers error rate_limited
  double cursors_per_second = 60;        // per connection; more are dropped
  std::size_t idempotency_window = 256;  // recent element.create ids kept per user
  // With no ?since= on the upgrade, how long the server waits for a first message
  // {"type":"join","since":N} before it sends the snapshot; zero: no wait.
  std::chrono::milliseconds join_wait{200};
  // Origins a browser may connect from ("https://board.example"); empty: any.
  std::vector<std::string> allowed_origins;
};

}  // namespace realtime
