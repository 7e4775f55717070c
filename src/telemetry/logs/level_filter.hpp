#pragma once
// Which lines are worth writing: a default level plus per-target directives, parsed
// from a spec such as "info,storage=debug,http=warn".
//
// A directive's target matches a line's target exactly, or as a prefix followed by
// '.': "storage" covers "storage" and "storage.sqlite" but not "storagex". When
// several directives match, the longest target wins. Level names are
// case-insensitive ("warning" is accepted for warn; "off" silences).

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/logs/level.hpp"
#include "telemetry/logs/result.hpp"

namespace telemetry::logs {

class LevelFilter {
 public:
  LevelFilter() noexcept = default;  // info for every target
  explicit LevelFilter(Level default_level) noexcept
      : default_(default_level), lowest_(default_level), highest_(default_level) {}

  // Strict: an empty directive (stray comma), an unknown level, an empty or
  // malformed target, a second '=' or a repeated target is an error whose message
  // quotes the offending directive. An empty or all-blank spec means "info".
  static Result<LevelFilter> parse(std::string_view spec);

  bool enabled(Level level, std::string_view target) const noexcept {
    if (level >= Level::off || level < lowest_) return false;
    if (level >= highest_) return true;
    return level >= level_for(target);
  }

  // The threshold that applies to `target`.
  Level level_for(std::string_view target) const noexcept;

  // Canonical spec: default level first, then directives sorted by target. Parsing
  // it gives back an equal filter (startup logs it so people see what is in force).
  std::string to_string() const;

 private:
  struct Directive {
    std::string target;
    Level level;
  };

  Level default_ = Level::info;
  std::vector<Directive> directives_;  // longest target first, so the first match wins
  // Bounds over the default and every directive: most calls are decided by these
  // two comparisons without looking at the target at all.
  Level lowest_ = Level::info;
  Level highest_ = Level::info;
};

}  // namespace telemetry::logs
