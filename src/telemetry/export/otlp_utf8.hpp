#pragma once
// OTLP strings must be valid UTF-8 (protobuf `string`, JSON text); attribute values
// come from requests and may not be. Invalid bytes become U+FFFD instead of making a
// collector reject the whole batch.

#include <string>
#include <string_view>

namespace telemetry::otlp {

bool is_valid_utf8(std::string_view text) noexcept;
std::string to_valid_utf8(std::string_view text);

}  // namespace telemetry::otlp
