#include "telemetry/http/query_redaction.hpp"

#include "telemetry/logs/redaction.hpp"

namespace telemetry::http {

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    const std::string_view key = pair.substr(0, equals);
    if (start > 0) out += '&';
    if (equals != std::string_view::npos && logs::is_secret_key(key)) {
      out += key;
      out += "=REDACTED";
    } else {
      out += pair;
    }
    if (end == query.size()) break;
    start = end + 1;
  }
  return out;
}

}  // namespace telemetry::http
