#include "telemetry/export/otlp_failure_hint.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace telemetry::otlp {

namespace {

bool contains(std::string_view text, std::string_view needle) noexcept {
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) noexcept {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view needle) { return contains(text, needle); });
}

}  // namespace

std::string_view failure_hint(std::string_view error, bool tls) noexcept {
  // Checked before "refused"/"reset": a TLS mismatch often ends in a reset connection.
  if (contains_any(error, {"wrong version number", "WRONG_VERSION_NUMBER",
                           "http request to an https", "does not look like a TLS handshake",
                           "packet length too long", "unknown protocol"})) {
    return tls ? "TLS mismatch: the endpoint is https:// but the collector answers in plaintext; "
                 "use http:// (or enable TLS on the collector)"
               : "TLS mismatch: the collector expects TLS; use an https:// endpoint";
  }
  if (contains_any(error, {"certificate verify failed", "CERTIFICATE_VERIFY_FAILED",
                           "self signed certificate", "self-signed certificate"})) {
    return "the collector's certificate is not trusted: set OTEL_EXPORTER_OTLP_CERTIFICATE "
           "to the CA that signed it";
  }
  if (contains_any(error, {"handshake"})) {
    return tls ? "the TLS handshake failed: check that the collector speaks TLS on this port and "
                 "the certificate settings (OTEL_EXPORTER_OTLP_CERTIFICATE, _CLIENT_*)"
               : "the collector may expect TLS: try an https:// endpoint";
  }
  if (contains_any(error, {"DNS resolution failed", "Host not found", "Name or service not known",
                           "Temporary failure in name resolution", "host not found",
                           "No address associated"})) {
    return "the endpoint's host name does not resolve: check OTEL_EXPORTER_OTLP_ENDPOINT";
  }
  if (contains(error, "Connection refused")) {
    return "nothing listens at the endpoint: is the collector running, and is the port right "
           "(4317 for grpc, 4318 for http/protobuf and http/json)?";
  }
  if (contains_any(error, {"HTTP 404", "UNIMPLEMENTED"})) {
    return "the collector does not serve OTLP traces at this address: check the path "
           "(/v1/traces) and that the port matches OTEL_EXPORTER_OTLP_PROTOCOL";
  }
  if (contains_any(error, {"HTTP 401", "HTTP 403", "UNAUTHENTICATED", "PERMISSION_DENIED"})) {
    return "the collector refused our credentials: check OTEL_EXPORTER_OTLP_HEADERS";
  }
  if (contains_any(error, {"timed out", "DEADLINE_EXCEEDED"})) {
    return "the collector did not answer within OTEL_EXPORTER_OTLP_TIMEOUT";
  }
  return {};
}

}  // namespace telemetry::otlp
