// OTLP over gRPC: TraceService/Export on a channel that connects lazily, so start-up
// with the collector down is fine and each export fails fast (UNAVAILABLE) instead
// of waiting for a connection.
//
// Requests go out as bytes the wire encoder wrote (otlp_proto_wire.hpp) through a
// generic stub: the generated stub would need a message object to serialize again.
// The stub, channel and completion queue live as long as the transport; only the
// ClientContext (single-use in gRPC) is made per call.

#include <absl/synchronization/mutex.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_proto_wire.hpp"

namespace telemetry::otlp {

namespace {

using ExportResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

constexpr char kExportMethod[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

std::string read_file(const std::string& path, const char* variable) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OtlpConfigError({std::string(variable) + ": cannot read file \"" + path + "\""});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<grpc::ChannelCredentials> credentials(const OtlpConfig& config) {
  if (!config.uses_tls()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  if (!config.certificate_file.empty()) {
    options.pem_root_certs = read_file(config.certificate_file, "OTEL_EXPORTER_OTLP_CERTIFICATE");
  }
  if (!config.client_key_file.empty()) {
    options.pem_private_key = read_file(config.client_key_file, "OTEL_EXPORTER_OTLP_CLIENT_KEY");
    options.pem_cert_chain =
        read_file(config.client_certificate_file, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE");
  }
  return grpc::SslCredentials(options);
}

// The server's RetryInfo from the status details (grpc-status-details-bin), if any.
std::optional<std::chrono::milliseconds> retry_info(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo info;
    if (any.Is<google::rpc::RetryInfo>() && any.UnpackTo(&info)) {
      const auto& delay = info.retry_delay();
      return std::chrono::milliseconds(
          std::max<std::int64_t>(0, delay.seconds() * 1000 + delay.nanos() / 1'000'000));
    }
  }
  return std::nullopt;
}

std::string_view code_name(grpc::StatusCode code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "UNKNOWN";
}

// Debian builds Abseil without NDEBUG, which leaves its debug lock-order checker on:
// every absl::Mutex gRPC takes records a graph edge and a stack trace, and an order it
// takes for a cycle aborts the process ("dying due to potential deadlock"). gRPC's
// tracker holds such reports that were no deadlock, one on a failing connect
// (grpc/grpc#40390): a collector that is down could end the service. Abseil's release
// builds ignore them by default (ADR 027).
void stop_abseil_deadlock_aborts() noexcept {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

class GrpcTransport final : public OtlpTransport {
 public:
  GrpcTransport(const OtlpConfig& config, Resource resource) : config_(config), encoder_(resource) {
    stop_abseil_deadlock_aborts();
    const auto parts = split_endpoint(config.endpoint);
    if (!parts)
      throw OtlpConfigError({"OTEL_EXPORTER_OTLP_ENDPOINT: unusable URL " + config.endpoint});
    const bool ipv6 = parts->host.find(':') != std::string::npos;
    const std::string target = (ipv6 ? "[" + parts->host + "]" : parts->host) + ":" + parts->port;
    grpc::ChannelArguments args;
    args.SetUserAgentPrefix(user_agent());
    // Retries are ours (they honour the export deadline and RetryInfo).
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    // Notice a collector that came back within seconds, not gRPC's default 2 minutes.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 500);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
    channel_ = grpc::CreateCustomChannel(target, credentials(config), args);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ~GrpcTransport() override {
    queue_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  std::vector<std::size_t> prepare(SpanBatch batch, std::size_t max_bytes,
                                   std::size_t& oversized) override {
    // The previous batch's requests were sent or given up by now.
    return encoder_.encode(batch, max_bytes, oversized);
  }

  SendResult send(std::size_t index,
                  std::chrono::steady_clock::time_point deadline) noexcept override {
    SendResult result;
    grpc::ClientContext context;
    // gRPC deadlines are wall-clock; carry over the time left on the steady clock.
    context.set_deadline(std::chrono::system_clock::now() +
                         (deadline - std::chrono::steady_clock::now()));
    for (const auto& header : config_.headers) context.AddMetadata(header.name, header.value);
    if (config_.compression == OtlpCompression::gzip) {
      context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    }
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) {
        result.outcome = Outcome::permanent;
        result.message = "cancelled by shutdown";
        return result;
      }
      in_flight_ = &context;
    }
    const grpc::Status status = call(context, encoder_.request(index), response_);
    {
      std::lock_guard lock(mutex_);
      in_flight_ = nullptr;
    }
    const ExportResponse& response = response_;
    if (status.ok()) {
      if (response.has_partial_success()) {
        result.rejected_spans = response.partial_success().rejected_spans();
        result.message = response.partial_success().error_message();
      }
      return result;
    }
    result.retry_after = retry_info(status);
    result.outcome = classify_grpc_status(status.error_code(), result.retry_after.has_value());
    result.message = std::string(code_name(status.error_code())) + ": " + status.error_message();
    return result;
  }

  // One unary Export of `request` (already encoded), waited for on our queue.
  grpc::Status call(grpc::ClientContext& context, std::string_view request,
                    ExportResponse& response) {
    // The bytes stay in the encoder until the next prepare(), after this call is over:
    // no copy into gRPC's own slice.
    grpc::Slice slice(request.data(), request.size(), grpc::Slice::STATIC_SLICE);
    const grpc::ByteBuffer body(&slice, 1);
    grpc::ByteBuffer reply;
    grpc::Status status;
    auto rpc = stub_->PrepareUnaryCall(&context, kExportMethod, body, &queue_);
    rpc->StartCall();
    rpc->Finish(&reply, &status, this);
    void* tag = nullptr;
    bool ok = false;
    // Finish always completes (with an error status if the call failed or timed out).
    if (!queue_.Next(&tag, &ok)) return grpc::Status(grpc::StatusCode::INTERNAL, "queue shut down");
    response.Clear();
    if (!status.ok()) return status;
    // As the generated stub does: an unparsable answer is an INTERNAL error.
    return grpc::SerializationTraits<ExportResponse>::Deserialize(&reply, &response);
  }

  void cancel() noexcept override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }

 private:
  OtlpConfig config_;
  ProtoWireEncoder encoder_;  // the export thread's; holds the prepared requests
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  grpc::CompletionQueue queue_;  // the export thread's calls, one at a time
  ExportResponse response_;
  std::mutex mutex_;
  grpc::ClientContext* in_flight_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace

std::unique_ptr<OtlpTransport> make_grpc_transport(const OtlpConfig& config, Resource resource) {
  return std::make_unique<GrpcTransport>(config, std::move(resource));
}

}  // namespace telemetry::otlp
