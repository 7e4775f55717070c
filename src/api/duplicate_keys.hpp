#pragma once
// Finds an object in a JSON text that has the same key twice. Boost.JSON keeps the last
// of such keys without a word, so `{"username":"nobody","username":"alice"}` would
// read as alice: a body one reader sees differently from another. The API refuses
// these bodies instead (400 malformed_json).

#include <optional>
#include <string>
#include <string_view>

namespace api {

// The first key found twice in one object of `json`, nullopt if there is none (or
// `json` is not valid JSON: parse it first, for the real complaint).
std::optional<std::string> first_duplicate_key(std::string_view json);

}  // namespace api
