// libFuzzer target: LOG_LEVEL directives come from the environment, so the parser
// must survive any bytes. Beyond "no crash" it checks what a user relies on:
//   - a rejected spec comes with a message that quotes it and holds no raw ESC or
//     newline (it is printed on a terminal at start-up);
//   - an accepted spec has a canonical form that parses back to the same filter;
//   - enabled() agrees with level_for() for a few targets.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "telemetry/logs/level_filter.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using telemetry::logs::Level;
  using telemetry::logs::LevelFilter;
  const std::string_view spec(reinterpret_cast<const char*>(data), size);

  const auto parsed = LevelFilter::parse(spec);
  if (!parsed) {
    const std::string& message = parsed.error();
    check(message.rfind("invalid log directive \"", 0) == 0);
    check(message.find('\n') == std::string::npos);
    check(message.find('\x1b') == std::string::npos);
    return 0;
  }

  const std::string canonical = parsed->to_string();
  const auto again = LevelFilter::parse(canonical);
  check(again.has_value());
  check(again->to_string() == canonical);

  for (std::string_view target : {"http", "storage", "storage.sqlite", "", "a.b.c"}) {
    for (Level level : {Level::trace, Level::debug, Level::info, Level::warn, Level::error}) {
      check(parsed->enabled(level, target) == (level >= parsed->level_for(target)));
      check(parsed->enabled(level, target) == again->enabled(level, target));
    }
  }
  return 0;
}
