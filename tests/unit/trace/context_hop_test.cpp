// 1,000 interleaved requests whose steps hop between two threads, as coroutines
// resumed on another thread do. Each step gets its parent span passed explicitly;
// every exported parent link must be the one the request created.

#include <gtest/gtest.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <thread>

#include "test_support.hpp"

namespace telemetry {
namespace {

// Two threads with a queue each. A task posted from one of them runs on the other, so
// every step of a request changes threads, however the scheduler runs them (one thread
// taking every task would leave nothing to test); posts from outside alternate.
class TwoThreadPool {
 public:
  TwoThreadPool() {
    for (std::size_t i = 0; i < 2; ++i) threads_.emplace_back([this, i] { work(i); });
  }
  ~TwoThreadPool() {
    for (auto& queue : queues_) {
      {
        std::lock_guard lock(queue.mutex);
        queue.stopping = true;
      }
      queue.ready.notify_all();
    }
    for (auto& thread : threads_) thread.join();
  }
  void post(std::function<void()> task) {
    const std::size_t target = current_ < 2 ? 1 - current_ : (outside_posts_++ % 2);
    Queue& queue = queues_[target];
    {
      std::lock_guard lock(queue.mutex);
      queue.tasks.push_back(std::move(task));
    }
    queue.ready.notify_one();
  }

 private:
  struct Queue {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
  };
  void work(std::size_t index) {
    current_ = index;
    Queue& queue = queues_[index];
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(queue.mutex);
        queue.ready.wait(lock, [&] { return queue.stopping || !queue.tasks.empty(); });
        if (queue.tasks.empty()) return;
        task = std::move(queue.tasks.front());
        queue.tasks.pop_front();
      }
      task();
    }
  }
  static thread_local std::size_t current_;  // this thread's queue; 2 outside the pool
  std::array<Queue, 2> queues_;
  std::size_t outside_posts_ = 0;  // only the test's own thread posts from outside
  std::vector<std::thread> threads_;
};

thread_local std::size_t TwoThreadPool::current_ = 2;

struct Request {
  Span root;
  Span handler;
  SpanId expected_handler_parent;
  SpanId expected_query_parent;
  std::thread::id first_thread;
  bool hopped = false;
};

TEST(ContextPassing, ThousandInterleavedRequestsOnTwoThreadsKeepEveryParentLink) {
  constexpr int kRequests = 1000;
  test::RecordingSetup setup;
  Tracer& tracer = setup.tracer();
  std::vector<Request> requests(kRequests);
  std::mutex done_mutex;
  std::condition_variable done_changed;
  int done = 0;

  {
    TwoThreadPool pool;
    for (int i = 0; i < kRequests; ++i) {
      Request& request = requests[static_cast<std::size_t>(i)];
      pool.post([&, i, &request = request] {
        request.first_thread = std::this_thread::get_id();
        request.root = tracer.start_span("request " + std::to_string(i), SpanKind::server,
                                         test::remote_parent(true));
        pool.post([&] {  // resumed, maybe on the other thread
          request.hopped |= std::this_thread::get_id() != request.first_thread;
          request.handler = request.root.start_child("handler");
          request.expected_handler_parent = request.root.context().span_id;
          pool.post([&] {
            request.hopped |= std::this_thread::get_id() != request.first_thread;
            {
              Span query = request.handler.start_child("query", SpanKind::client);
              request.expected_query_parent = request.handler.context().span_id;
            }
            request.handler.end();
            pool.post([&] {
              request.root.end();
              std::lock_guard lock(done_mutex);
              ++done;
              done_changed.notify_one();
            });
          });
        });
      });
    }
    std::unique_lock lock(done_mutex);
    done_changed.wait(lock, [&] { return done == kRequests; });
  }

  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 3u * kRequests);
  std::map<std::string, const SpanData*> by_span_id;
  for (const auto& span : spans) by_span_id[span.context.span_id.to_hex()] = &span;
  int hops = 0;
  for (const Request& request : requests) {
    hops += request.hopped;
    const SpanData* root = by_span_id.at(request.root.context().span_id.to_hex());
    const SpanData* handler = by_span_id.at(request.handler.context().span_id.to_hex());
    EXPECT_EQ(root->parent_span_id, test::remote_parent(true).span_id);
    EXPECT_EQ(handler->parent_span_id, request.expected_handler_parent);
    EXPECT_EQ(handler->parent_span_id, root->context.span_id);
    EXPECT_EQ(handler->context.trace_id, root->context.trace_id);
  }
  int queries = 0;
  for (const auto& span : spans) {
    if (span.name != "query") continue;
    ++queries;
    const SpanData* parent = by_span_id.at(span.parent_span_id.to_hex());
    EXPECT_EQ(parent->name, "handler");
    EXPECT_EQ(parent->context.trace_id, span.context.trace_id);
  }
  EXPECT_EQ(queries, kRequests);
  EXPECT_GT(hops, 0) << "the steps never changed threads, so the test proved nothing";
}

}  // namespace
}  // namespace telemetry
