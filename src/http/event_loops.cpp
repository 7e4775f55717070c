#include "http/event_loops.hpp"

#include <thread>

namespace http {

namespace net = boost::asio;

EventLoops::EventLoops(std::size_t count) {
  if (count == 0) count = 1;
  loops_.reserve(count);
  guards_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    // Hint 1: one thread runs this loop. Its queue still takes posts from any thread.
    loops_.push_back(std::make_unique<net::io_context>(1));
    guards_.emplace_back(loops_.back()->get_executor());
  }
}

EventLoops::~EventLoops() {
  guards_.clear();
  // The first loop goes first: what is still queued there (the acceptor's pending
  // accept holds a socket already opened on the loop it was meant for) may belong to
  // the others, while what a later loop holds belongs to that loop alone (a connection
  // is served, posted to and completed on its own loop).
  for (auto& loop : loops_) loop.reset();
  loops_.clear();
}

void EventLoops::run() {
  std::vector<std::thread> threads;
  threads.reserve(loops_.size() - 1);
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([loop = loops_[i].get()] { loop->run(); });
  }
  loops_.front()->run();
  for (auto& thread : threads) thread.join();
}

void EventLoops::stop() {
  for (auto& loop : loops_) loop->stop();
}

}  // namespace http
