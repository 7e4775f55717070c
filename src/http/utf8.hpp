#pragma once
// UTF-8 checks for what the server puts into JSON: a JSON text must be valid UTF-8
// (RFC 8259 8.1), so bytes a client sent never reach an error body unchecked.

#include <string>
#include <string_view>

namespace http {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// `text` with every byte that is not part of a well-formed sequence replaced by
// U+FFFD.
std::string to_valid_utf8(std::string_view text);

}  // namespace http
