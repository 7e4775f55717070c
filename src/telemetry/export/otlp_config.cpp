#include "telemetry/export/otlp_config.hpp"
#include "telemetry/text.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <fstream>

namespace telemetry {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The spec treats an empty variable as unset.
const char* read(const EnvLookup& getenv, const char* name) {
  const char* value = getenv(name);
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

// The per-signal variable wins over the generic one; returns the name that was used.
const char* read_pair(const EnvLookup& getenv, const char* traces_name, const char* generic_name,
                      std::string& used_name) {
  if (const char* value = read(getenv, traces_name)) {
    used_name = traces_name;
    return value;
  }
  used_name = generic_name;
  return read(getenv, generic_name);
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool file_readable(const std::string& path) {
  return std::ifstream(path).good();
}

}  // namespace

std::string_view to_string(OtlpProtocol protocol) noexcept {
  switch (protocol) {
    case OtlpProtocol::grpc:
      return "grpc";
    case OtlpProtocol::http_protobuf:
      return "http/protobuf";
    case OtlpProtocol::http_json:
      return "http/json";
  }
  return "grpc";
}

namespace {
std::string join(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e;
  }
  return out;
}
}  // namespace

OtlpConfigError::OtlpConfigError(std::vector<std::string> errors)
    : std::runtime_error(join(errors)), errors_(std::move(errors)) {}

namespace otlp {

std::optional<std::string> percent_decode(std::string_view text) {
  return text::percent_decode(text);
}

std::optional<std::vector<OtlpHeader>> parse_headers(std::string_view text, std::string& error) {
  std::vector<OtlpHeader> headers;
  std::size_t index = 0;
  while (!text.empty()) {
    ++index;
    const auto comma = text.find(',');
    const std::string_view entry = text::trim_ows(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) continue;  // tolerate "a=b,,c=d" and a trailing comma
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      error = "entry " + std::to_string(index) + " has no '=' (expected key=value)";
      return std::nullopt;
    }
    const std::string_view name = text::trim_ows(entry.substr(0, equals));
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
      error = "entry " + std::to_string(index) + " has an invalid header name";
      return std::nullopt;
    }
    auto value = percent_decode(text::trim_ows(entry.substr(equals + 1)));
    if (!value) {
      error = "the value of header '" + std::string(name) + "' has a broken percent escape";
      return std::nullopt;
    }
    // A decoded CR, LF or NUL would let a value smuggle in another header.
    if (value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      error = "the value of header '" + std::string(name) + "' contains a control character";
      return std::nullopt;
    }
    headers.push_back({lowercase(name), std::move(*value)});
  }
  return headers;
}

std::optional<EndpointParts> split_endpoint(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  const auto scheme = lowercase(parsed->scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return std::nullopt;
  if (parsed->has_userinfo()) return std::nullopt;  // credentials belong in headers
  EndpointParts parts;
  parts.tls = scheme == "https";
  parts.host = std::string(parsed->encoded_host());
  if (parsed->host_type() == boost::urls::host_type::ipv6) {
    parts.host = parsed->host_ipv6_address().to_string();
  }
  parts.port = parsed->has_port() && !parsed->port().empty() ? std::string(parsed->port())
                                                             : (parts.tls ? "443" : "80");
  // Appended piecewise: GCC 12's -Wrestrict misfires on `"?" + std::string(...)` at -O3.
  std::string target(parsed->encoded_path());
  if (target.empty()) target.push_back('/');
  if (parsed->has_query()) {
    target.push_back('?');
    target.append(parsed->encoded_query());
  }
  parts.target = std::move(target);
  return parts;
}

std::optional<std::string> resolve_endpoint(OtlpProtocol protocol, const char* generic,
                                            const char* per_signal, bool insecure,
                                            std::string& error) {
  const bool grpc = protocol == OtlpProtocol::grpc;
  std::string url;
  if (per_signal != nullptr) {
    url = per_signal;
  } else if (generic != nullptr) {
    url = generic;
    if (!grpc) {
      // Keep the base path: "http://gw/otlp" -> "http://gw/otlp/v1/traces".
      if (url.find("://") != std::string::npos && !url.ends_with("/")) url += "/";
      url += "v1/traces";
    }
  } else {
    return grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
  }
  if (url.find("://") == std::string::npos) {
    if (!grpc) {
      error = "must be an http:// or https:// URL, got \"" + url + "\"";
      return std::nullopt;
    }
    // gRPC's "host:port" form: TLS unless OTEL_EXPORTER_OTLP_INSECURE=true.
    url = (insecure ? "http://" : "https://") + url;
  }
  if (!split_endpoint(url)) {
    error = "is not a usable http:// or https:// URL with a host: \"" + url + "\"";
    return std::nullopt;
  }
  return url;
}

}  // namespace otlp

OtlpConfig OtlpConfig::from_env(const EnvLookup& getenv) {
  OtlpConfig config;
  std::vector<std::string> errors;
  std::string name;

  if (const char* value = read_pair(getenv, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                                    "OTEL_EXPORTER_OTLP_PROTOCOL", name)) {
    const std::string text = lowercase(text::trim_ows(value));
    if (text == "grpc") {
      config.protocol = OtlpProtocol::grpc;
    } else if (text == "http/protobuf") {
      config.protocol = OtlpProtocol::http_protobuf;
    } else if (text == "http/json") {
      config.protocol = OtlpProtocol::http_json;
    } else {
      errors.push_back(name + ": unsupported protocol \"" + std::string(value) +
                       "\" (expected grpc, http/protobuf or http/json)");
    }
  }

  bool insecure = false;
  if (const char* value = read_pair(getenv, "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
                                    "OTEL_EXPORTER_OTLP_INSECURE", name)) {
    const std::string text = lowercase(text::trim_ows(value));
    if (text == "true") {
      insecure = true;
    } else if (text != "false") {
      errors.push_back(name + ": expected true or false, got \"" + std::string(value) + "\"");
    }
  }

  {
    const char* per_signal = read(getenv, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const char* generic = read(getenv, "OTEL_EXPORTER_OTLP_ENDPOINT");
    std::string error;
    if (auto url = otlp::resolve_endpoint(config.protocol, generic, per_signal, insecure, error)) {
      config.endpoint = std::move(*url);
    } else {
      errors.push_back(std::string(per_signal != nullptr ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
                                                         : "OTEL_EXPORTER_OTLP_ENDPOINT") +
                       ": " + error);
    }
  }

  if (const char* value = read_pair(getenv, "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                                    "OTEL_EXPORTER_OTLP_HEADERS", name)) {
    std::string error;
    if (auto headers = otlp::parse_headers(value, error)) {
      config.headers = std::move(*headers);
    } else {
      errors.push_back(name + ": " + error);
    }
  }

  if (const char* value = read_pair(getenv, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
                                    "OTEL_EXPORTER_OTLP_TIMEOUT", name)) {
    const std::string_view text = text::trim_ows(value);
    long long ms = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || ms <= 0 || ms > 3'600'000) {
      errors.push_back(name + ": expected a whole number of milliseconds between 1 and 3600000, " +
                       "got \"" + std::string(value) + "\"");
    } else {
      config.timeout = std::chrono::milliseconds(ms);
    }
  }

  if (const char* value = read_pair(getenv, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
                                    "OTEL_EXPORTER_OTLP_COMPRESSION", name)) {
    const std::string text = lowercase(text::trim_ows(value));
    if (text == "gzip") {
      config.compression = OtlpCompression::gzip;
    } else if (text == "none") {
      config.compression = OtlpCompression::none;
    } else {
      errors.push_back(name + ": unsupported compression \"" + std::string(value) +
                       "\" (expected gzip or none)");
    }
  }

  const auto read_file_var = [&](const char* traces_name, const char* generic_name,
                                 std::string& out) {
    if (const char* value = read_pair(getenv, traces_name, generic_name, name)) {
      out = value;
      if (!file_readable(out)) errors.push_back(name + ": cannot read file \"" + out + "\"");
    }
  };
  read_file_var("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE",
                config.certificate_file);
  read_file_var("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "OTEL_EXPORTER_OTLP_CLIENT_KEY",
                config.client_key_file);
  read_file_var("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
                "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", config.client_certificate_file);
  if (config.client_key_file.empty() != config.client_certificate_file.empty()) {
    errors.push_back(
        "OTEL_EXPORTER_OTLP_CLIENT_KEY: a client key and a client certificate must be given "
        "together (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)");
  }

  if (!errors.empty()) throw OtlpConfigError(std::move(errors));
  return config;
}

}  // namespace telemetry
