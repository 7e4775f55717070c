// OTLP over HTTP (POST of protobuf or JSON to the traces URL) with Boost.Beast. It
// runs on the export thread: each send drives a private io_context until the
// request is answered or the deadline (applied to every socket operation) passes.
// The connection is kept alive between exports and reopened when the collector
// closed it.

#include <google/protobuf/util/json_util.h>
#include <zlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_json_encoding.hpp"
#include "telemetry/export/otlp_proto_wire.hpp"

namespace telemetry::otlp {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ExportResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

std::string gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16 selects the gzip wrapper.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
  return out;
}

// A short, printable excerpt of an error body for the log.
std::string excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, 200)) {
    out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  }
  return out;
}

class HttpTransport final : public OtlpTransport {
 public:
  HttpTransport(const OtlpConfig& config, Resource resource)
      : config_(config), resource_(std::move(resource)) {
    auto parts = split_endpoint(config.endpoint);
    if (!parts) {
      throw OtlpConfigError(
          {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: unusable URL " + config.endpoint});
    }
    parts_ = std::move(*parts);
    const bool default_port = parts_.port == (parts_.tls ? "443" : "80");
    host_header_ =
        parts_.host.find(':') != std::string::npos ? "[" + parts_.host + "]" : parts_.host;
    if (!default_port) host_header_ += ":" + parts_.port;
    if (parts_.tls) configure_tls();
  }

  std::vector<std::size_t> prepare(SpanBatch batch, std::size_t max_bytes,
                                   std::size_t& oversized) override {
    bodies_.clear();
    std::vector<std::size_t> counts;
    if (config_.protocol == OtlpProtocol::http_json) {
      auto encoded = encode_json_requests(resource_, batch, max_bytes);
      bodies_ = std::move(encoded.bodies);
      counts = std::move(encoded.span_counts);
      oversized = encoded.oversized;
    } else {
      counts = wire_.encode(batch, max_bytes, oversized);
      for (std::size_t i = 0; i < wire_.request_count(); ++i) {
        bodies_.emplace_back(wire_.request(i));
      }
    }
    if (config_.compression == OtlpCompression::gzip) {
      for (auto& body : bodies_) body = gzip(body);
    }
    return counts;
  }

  SendResult send(std::size_t index, Clock::time_point deadline) noexcept override {
    try {
      // A kept-alive connection the collector has since closed fails at once; then
      // one fresh connection is worth trying.
      for (int attempt = 0;; ++attempt) {
        const bool reused = stream_open_;
        if (cancelled()) return {Outcome::permanent, {}, 0, "cancelled by shutdown"};
        http::response<http::string_body> response;
        const beast::error_code ec = exchange(bodies_[index], deadline, response);
        if (!ec) return interpret(response);
        close();
        if (reused && attempt == 0 && ec != beast::error::timeout && Clock::now() < deadline) {
          continue;
        }
        SendResult result;
        result.outcome = Outcome::retryable;  // the network, not the collector, said no
        result.message = (ec == beast::error::timeout ? std::string("timed out") : ec.message()) +
                         " (" + stage_ + " " + host_header_ + ")";
        return result;
      }
    } catch (const std::exception& e) {
      close();
      return {Outcome::retryable, {}, 0, std::string("HTTP export failed: ") + e.what()};
    }
  }

  void cancel() noexcept override {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    // Socket objects are not thread-safe: close them on the io_context's thread.
    asio::post(io_, [this] { close(); });
  }

 private:
  bool cancelled() {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  void configure_tls() {
    ssl_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    ssl_->set_verify_mode(ssl::verify_peer);
    const auto load = [](const char* variable, auto&& action) {
      try {
        action();
      } catch (const std::exception& e) {
        throw OtlpConfigError({std::string(variable) + ": " + e.what()});
      }
    };
    if (config_.certificate_file.empty()) {
      ssl_->set_default_verify_paths();
    } else {
      load("OTEL_EXPORTER_OTLP_CERTIFICATE",
           [&] { ssl_->load_verify_file(config_.certificate_file); });
    }
    if (!config_.client_certificate_file.empty()) {
      load("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
           [&] { ssl_->use_certificate_chain_file(config_.client_certificate_file); });
      load("OTEL_EXPORTER_OTLP_CLIENT_KEY",
           [&] { ssl_->use_private_key_file(config_.client_key_file, ssl::context::pem); });
    }
  }

  beast::tcp_stream& tcp_layer() { return tls_ ? tls_->next_layer() : *plain_; }

  void close() noexcept {
    beast::error_code ignored;
    if (tls_) tls_->next_layer().socket().close(ignored);
    if (plain_) plain_->socket().close(ignored);
    tls_.reset();
    plain_.reset();
    buffer_.clear();
    stream_open_ = false;
  }

  asio::awaitable<void> connect(Clock::time_point deadline, beast::error_code& ec) {
    stage_ = "resolving";
    tcp::resolver resolver(io_);
    const auto endpoints = co_await resolver.async_resolve(
        parts_.host, parts_.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (parts_.tls) {
      tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_, *ssl_);
    } else {
      plain_ = std::make_unique<beast::tcp_stream>(io_);
    }
    stage_ = "connecting to";
    tcp_layer().expires_at(deadline);
    co_await tcp_layer().async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (tls_) {
      stage_ = "TLS handshake with";
      if (!SSL_set_tlsext_host_name(tls_->native_handle(), parts_.host.c_str())) {
        ec.assign(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        co_return;
      }
      tls_->set_verify_callback(ssl::host_name_verification(parts_.host));
      co_await tls_->async_handshake(ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    stream_open_ = true;
  }

  template <typename Stream>
  asio::awaitable<void> round_trip(Stream& stream,
                                   const http::request<http::span_body<const char>>& request,
                                   http::response<http::string_body>& response,
                                   beast::error_code& ec) {
    stage_ = "sending to";
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    stage_ = "waiting for the answer from";
    co_await http::async_read(stream, buffer_, response,
                              asio::redirect_error(asio::use_awaitable, ec));
  }

  beast::error_code exchange(const std::string& body, Clock::time_point deadline,
                             http::response<http::string_body>& response) {
    http::request<http::span_body<const char>> request{http::verb::post, parts_.target, 11};
    for (const auto& header : config_.headers) request.set(header.name, header.value);
    request.set(http::field::host, host_header_);
    request.set(http::field::user_agent, user_agent());
    request.set(http::field::content_type, config_.protocol == OtlpProtocol::http_json
                                               ? "application/json"
                                               : "application/x-protobuf");
    if (config_.compression == OtlpCompression::gzip) {
      request.set(http::field::content_encoding, "gzip");
    }
    request.keep_alive(true);
    request.body() = std::span<const char>(body.data(), body.size());
    request.prepare_payload();

    beast::error_code ec;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          if (!stream_open_) {
            co_await connect(deadline, ec);
            if (ec) co_return;
          }
          tcp_layer().expires_at(deadline);
          if (tls_) {
            co_await round_trip(*tls_, request, response, ec);
          } else {
            co_await round_trip(*plain_, request, response, ec);
          }
        },
        [&](std::exception_ptr error) {
          if (error) ec = asio::error::fault;
        });
    io_.restart();
    io_.run();
    if (!ec && !response.keep_alive()) close();
    return ec;
  }

  SendResult interpret(const http::response<http::string_body>& response) {
    SendResult result;
    const unsigned status = response.result_int();
    const std::string_view content_type = response[http::field::content_type];
    const bool json = content_type.find("json") != std::string_view::npos;
    result.outcome = classify_http_status(status);
    if (result.outcome == Outcome::success) {
      ExportResponse parsed;
      const bool ok =
          response.body().empty() || (json ? google::protobuf::util::JsonStringToMessage(
                                                 response.body(), &parsed, json_options())
                                                 .ok()
                                           : parsed.ParseFromString(response.body()));
      if (ok && parsed.has_partial_success()) {
        result.rejected_spans = parsed.partial_success().rejected_spans();
        result.message = parsed.partial_success().error_message();
      }
      return result;
    }
    result.message = "HTTP " + std::to_string(status) + " " + std::string(response.reason());
    google::rpc::Status details;
    if (!json && details.ParseFromString(response.body()) && !details.message().empty()) {
      result.message += ": " + excerpt(details.message());
    } else if (!response.body().empty()) {
      result.message += ": " + excerpt(response.body());
    }
    if (const auto it = response.find(http::field::retry_after); it != response.end()) {
      result.retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
    }
    return result;
  }

  static google::protobuf::util::JsonParseOptions json_options() {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    return options;
  }

  OtlpConfig config_;
  Resource resource_;
  EndpointParts parts_;
  std::string host_header_;
  std::vector<std::string> bodies_;
  ProtoWireEncoder wire_{resource_};  // http/protobuf bodies
  // Declared before the streams: they must be destroyed before their io_context.
  asio::io_context io_{1};
  std::unique_ptr<ssl::context> ssl_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool stream_open_ = false;
  std::string stage_ = "connecting to";
  std::mutex mutex_;
  bool cancelled_ = false;
};

}  // namespace

std::unique_ptr<OtlpTransport> make_http_transport(const OtlpConfig& config, Resource resource) {
  return std::make_unique<HttpTransport>(config, std::move(resource));
}

}  // namespace telemetry::otlp
