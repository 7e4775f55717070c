#pragma once
#include <string>
#include <string_view>

namespace telemetry::http {

// The query string with the value of every secret-looking parameter (token,
// password, api_key...) replaced by "REDACTED", for url.query and logs.
std::string redact_query(std::string_view query);

}  // namespace telemetry::http
