// bench_grpc_sink: the cheapest OTLP/gRPC trace receiver we could write, for load tests.
//
// Why it exists: bench/trace_overhead.sh measures what tracing costs the service on a 2-core
// machine, where the receiver runs on the same cores as the service and wrk. A receiver that
// decodes (or even a Node one that merely accepts: ~7 µs of CPU per traced request) makes the
// measurement show the receiver's cost rather than the service's. This one accepts
// opentelemetry.proto.collector.trace.v1.TraceService/Export and answers an empty
// ExportTraceServiceResponse (zero bytes on the wire) WITHOUT decoding the request; every
// other method gets UNIMPLEMENTED. Whether the exported bytes are right is checked elsewhere:
// tests/otlp-receiver decodes them with OpenTelemetry's own published schema (npm).
//
//   bench_grpc_sink [--grpc-port N] [--http-port N]   (both 0 = ephemeral by default)
//   stdout: "ready grpc=PORT http=PORT"; GET http://127.0.0.1:HTTP/stats ->
//   {"requests":N,"bytes":B}; exits 0 on SIGINT/SIGTERM.
//
// Shape: one thread drives a gRPC server completion queue (async generic API: no protobuf, no
// thread hops per call); the main thread runs a Boost.Asio io_context with the stats endpoint
// and the signal handler.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::string_view kExportMethod =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;  // as an OpenTelemetry Collector allows

// Written by the completion-queue thread, read by the stats endpoint; the two counters are
// read separately, which is exact once the load has stopped (when the scripts read them).
struct Stats {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bytes{0};
};

// What the completion-queue thread shares with the code that shuts it down: no new call may
// be requested once `stopping` is set, because the queue is shut down right after.
struct Server {
  grpc::AsyncGenericService service;
  std::unique_ptr<grpc::ServerCompletionQueue> queue;
  std::unique_ptr<grpc::Server> server;
  Stats stats;
  std::mutex mutex;
  bool stopping = false;
};

// One call from "waiting for a call" to "finished"; it is its own completion-queue tag.
// A generic call is a bidi stream of raw bytes: read the one request message, then write one
// empty message and the OK status together.
class Call {
 public:
  // Requests the next call; returns false (and creates nothing) once shutdown has begun.
  static bool Await(Server& server) {
    std::lock_guard lock(server.mutex);
    if (server.stopping) return false;
    new Call(server);
    return true;
  }

  // Called with every completion of this call's operations; deletes itself at the end.
  void Proceed(bool ok) {
    switch (step_) {
      case Step::kAwaitCall:
        if (!ok) break;  // the server is shutting down
        Await(server_);  // keep one call requested while this one is served
        if (context_.method() != kExportMethod) {
          step_ = Step::kFinish;
          stream_.Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "only Export"), this);
        } else {
          step_ = Step::kRead;
          stream_.Read(&request_, this);
        }
        return;
      case Step::kRead:
        step_ = Step::kFinish;
        if (!ok) {  // the client half-closed or cancelled without sending a message
          stream_.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"), this);
          return;
        }
        server_.stats.requests.fetch_add(1, std::memory_order_relaxed);
        server_.stats.bytes.fetch_add(request_.Length(), std::memory_order_relaxed);
        request_.Clear();
        stream_.WriteAndFinish(EmptyMessage(), grpc::WriteOptions(), grpc::Status::OK, this);
        return;
      case Step::kFinish:
        break;
    }
    delete this;
  }

 private:
  enum class Step { kAwaitCall, kRead, kFinish };

  explicit Call(Server& server) : server_(server), stream_(&context_) {
    server.service.RequestCall(&context_, &stream_, server.queue.get(), server.queue.get(), this);
  }

  // A default ByteBuffer is "no message" (a unary client would fail with "no response");
  // one empty slice is a present, zero-length message.
  static const grpc::ByteBuffer& EmptyMessage() {
    static const grpc::Slice empty;
    static const grpc::ByteBuffer message(&empty, 1);
    return message;
  }

  Server& server_;
  Step step_ = Step::kAwaitCall;
  grpc::GenericServerContext context_;
  grpc::GenericServerAsyncReaderWriter stream_;
  grpc::ByteBuffer request_;
};

void DriveQueue(Server& server) {
  void* tag = nullptr;
  bool ok = false;
  while (server.queue->Next(&tag, &ok)) static_cast<Call*>(tag)->Proceed(ok);
}

// GET /stats -> {"requests":N,"bytes":B}; anything else 404. One request per connection.
asio::awaitable<void> AnswerHttp(tcp::socket socket, const Stats& stats) {
  std::string request;
  auto [read_error, head_size] = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(request, 8192), "\r\n\r\n", asio::as_tuple(asio::use_awaitable));
  if (read_error) co_return;
  std::string status = "404 Not Found";
  std::string body = "{}";
  if (request.starts_with("GET /stats ")) {
    status = "200 OK";
    body = "{\"requests\":" + std::to_string(stats.requests.load()) +
           ",\"bytes\":" + std::to_string(stats.bytes.load()) + "}";
  }
  const std::string response =
      "HTTP/1.1 " + status +
      "\r\ncontent-type: application/json\r\ncontent-length: " + std::to_string(body.size()) +
      "\r\nconnection: close\r\n\r\n" + body;
  co_await asio::async_write(socket, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> ServeHttp(tcp::acceptor& acceptor, const Stats& stats) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (error) co_return;  // the acceptor was closed at shutdown
    asio::co_spawn(acceptor.get_executor(), AnswerHttp(std::move(socket), stats), asio::detached);
  }
}

bool ParsePort(std::string_view text, int& port) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port >= 0 && port <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  int grpc_port = 0;
  int http_port = 0;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view option = argv[i];
    const bool known = option == "--grpc-port" || option == "--http-port";
    if (!known || i + 1 >= argc ||
        !ParsePort(argv[i + 1], option == "--grpc-port" ? grpc_port : http_port)) {
      std::cerr << "usage: bench_grpc_sink [--grpc-port N] [--http-port N]\n";
      return 2;
    }
  }

  // The stats port first: a port in use must fail before any thread is started.
  asio::io_context io;
  tcp::acceptor acceptor(io);
  try {
    acceptor = tcp::acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                               static_cast<std::uint16_t>(http_port)));
  } catch (const boost::system::system_error& error) {
    std::cerr << "bench_grpc_sink: cannot listen on 127.0.0.1:" << http_port << ": " << error.what()
              << "\n";
    return 1;
  }

  Server sink;
  grpc::ServerBuilder builder;
  int bound_grpc_port = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(grpc_port),
                           grpc::InsecureServerCredentials(), &bound_grpc_port);
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // gRPC sets SO_REUSEPORT by default: a fixed --grpc-port in use would be shared silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterAsyncGenericService(&sink.service);
  sink.queue = builder.AddCompletionQueue();
  sink.server = builder.BuildAndStart();
  if (!sink.server || bound_grpc_port == 0) {
    std::cerr << "bench_grpc_sink: cannot listen on 127.0.0.1:" << grpc_port << "\n";
    return 1;
  }
  Call::Await(sink);
  std::thread queue_thread(DriveQueue, std::ref(sink));

  asio::co_spawn(io, ServeHttp(acceptor, sink.stats), asio::detached);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    acceptor.close();
    {
      std::lock_guard lock(sink.mutex);
      sink.stopping = true;
    }
    // Calls still in flight get a moment to finish, then are cancelled; the queue is shut
    // down only after the server, as gRPC requires, and drained by its thread.
    sink.server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    sink.queue->Shutdown();
    io.stop();
  });

  std::cout << "ready grpc=" << bound_grpc_port << " http=" << acceptor.local_endpoint().port()
            << std::endl;
  io.run();
  queue_thread.join();
  return 0;
}
