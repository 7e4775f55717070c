#pragma once
// What the OTEL_EXPORTER_OTLP_* variables say about the trace exporter, decided in
// one place and validated at start-up: a bad value is an error that names the
// variable (the app prints it and exits 2) rather than a silent fallback that loses
// every span later.

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/trace/resource.hpp"

namespace telemetry {

enum class OtlpProtocol { grpc, http_protobuf, http_json };
enum class OtlpCompression { none, gzip };

// "grpc", "http/protobuf", "http/json": the spelling of OTEL_EXPORTER_OTLP_PROTOCOL.
std::string_view to_string(OtlpProtocol protocol) noexcept;

struct OtlpHeader {
  std::string name;  // lowercase (gRPC metadata keys must be)
  std::string value;
};

struct OtlpConfig {
  OtlpProtocol protocol = OtlpProtocol::grpc;
  // Absolute URL with scheme: for gRPC the collector's address ("http://host:4317"),
  // for HTTP the full traces URL ("http://host:4318/v1/traces").
  std::string endpoint = "http://localhost:4317";
  std::vector<OtlpHeader> headers;
  std::chrono::milliseconds timeout{10000};  // one request; retries are bounded by the deadline
  OtlpCompression compression = OtlpCompression::none;
  // PEM files for https endpoints; empty means the system's trust store / no client cert.
  std::string certificate_file;
  std::string client_key_file;
  std::string client_certificate_file;
  // Never send a request larger than this (collectors reject gRPC messages over 4 MiB).
  std::size_t max_request_bytes = 4 * 1024 * 1024 - 64 * 1024;

  bool uses_tls() const noexcept { return endpoint.starts_with("https://"); }

  // Reads OTEL_EXPORTER_OTLP_{,TRACES_}{PROTOCOL,ENDPOINT,HEADERS,TIMEOUT,COMPRESSION,
  // CERTIFICATE,CLIENT_KEY,CLIENT_CERTIFICATE} and OTEL_EXPORTER_OTLP_{,TRACES_}INSECURE.
  // Throws OtlpConfigError listing every bad variable.
  static OtlpConfig from_env(const EnvLookup& getenv);
};

class OtlpConfigError : public std::runtime_error {
 public:
  explicit OtlpConfigError(std::vector<std::string> errors);
  // One message per bad variable, each starting with the variable's name.
  const std::vector<std::string>& errors() const noexcept { return errors_; }

 private:
  std::vector<std::string> errors_;
};

namespace otlp {

// The spec's endpoint rules. `generic` is OTEL_EXPORTER_OTLP_ENDPOINT, `per_signal`
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (null when unset or empty):
//  - per_signal wins and is used verbatim;
//  - for HTTP the generic one gets "/v1/traces" appended, keeping its base path;
//  - defaults: http://localhost:4317 (gRPC), http://localhost:4318/v1/traces (HTTP).
// gRPC endpoints may lack a scheme ("collector:4317"): then `insecure` picks http.
// Returns nullopt with `error` set when the URL is unusable.
std::optional<std::string> resolve_endpoint(OtlpProtocol protocol, const char* generic,
                                            const char* per_signal, bool insecure,
                                            std::string& error);

// "k1=v1,k2=v2" with optional whitespace and percent-encoded values (W3C Baggage
// shape). Names are lowercased; a malformed entry makes the whole list invalid.
// The error never quotes a value: headers carry credentials.
std::optional<std::vector<OtlpHeader>> parse_headers(std::string_view text, std::string& error);

// Percent-decodes `text`; nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text);

// An endpoint split for connecting.
struct EndpointParts {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
};
std::optional<EndpointParts> split_endpoint(std::string_view url);

}  // namespace otlp
}  // namespace telemetry
