#pragma once
// The I/O threads: one io_context per thread, each run by that thread alone
// (concurrency hint 1). Everything of one connection (its reads, writes, timers and
// the completions of the work it awaits) runs on the thread of the loop it was given,
// one handler at a time, so no strand is needed and no thread wakes another to hand a
// completion over. Work from other threads (the database writer, the real-time hub,
// shutdown) reaches a connection by posting to its loop's executor, which is
// thread-safe.
//
//   http::EventLoops loops(2);
//   http::Server server(loops, ...);   // accepts on loop 0, serves on every loop
//   loops.run();                       // returns once stop() was called

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace http {

class EventLoops {
 public:
  // `count` loops (at least one). Each keeps running while it has nothing to do, until
  // stop().
  explicit EventLoops(std::size_t count);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  std::size_t size() const noexcept { return loops_.size(); }
  boost::asio::io_context& loop(std::size_t index) { return *loops_.at(index); }
  // The loop that also runs the process's own work: the acceptor, signals, timers.
  boost::asio::io_context& first() { return *loops_.front(); }

  // Runs every loop on a thread of its own, the first one on the calling thread;
  // returns when all have stopped.
  void run();
  // Asks every loop to stop; safe from any thread. Handlers not yet run are dropped
  // with their loops.
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<Guard> guards_;
};

}  // namespace http
