// Fuzzes the x-request-id check against a plain restatement of the rule, and
// checks that whatever arrives, the request ends up with a safe id.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/propagation/request_id.hpp"

namespace {

using namespace telemetry::propagation;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool rule(std::string_view value) {
  if (value.size() < 1 || value.size() > 128) return false;
  constexpr std::string_view allowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
  for (const char c : value) {
    if (allowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool valid = is_valid_request_id(input);
  require(valid == rule(input));

  const std::string_view values[] = {input};
  const std::string id = resolve_request_id(values);
  require(is_valid_request_id(id));
  if (valid) {
    require(id == input);
  } else {
    require(id.size() == kUuidLength && id[14] == '4');
  }
  return 0;
}
