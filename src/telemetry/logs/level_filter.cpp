#include "telemetry/logs/level_filter.hpp"
#include "telemetry/text.hpp"

#include <algorithm>

#include "telemetry/logs/json_escape.hpp"

namespace telemetry::logs {

namespace {

constexpr std::size_t kMaxQuotedBytes = 120;

bool valid_target(std::string_view target) noexcept {
  if (target.empty() || target.front() == '.' || target.back() == '.') return false;
  char previous = 0;
  for (char c : target) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

// The message quotes the directive with control characters escaped, because it is
// printed on a terminal at start-up.
Error directive_error(std::string_view directive, std::string_view why) {
  std::string message = "invalid log directive \"";
  const Truncated cut = truncate_utf8(directive, kMaxQuotedBytes);
  append_pretty_escaped(message, cut.kept, /*quoted=*/true);
  if (cut.cut_bytes > 0) message += "...";
  message += "\": ";
  message += why;
  return Error{std::move(message)};
}

std::string unknown_level(std::string_view level) {
  std::string why = "unknown level \"";
  append_pretty_escaped(why, truncate_utf8(level, kMaxQuotedBytes).kept, /*quoted=*/true);
  why += "\" (expected trace, debug, info, warn, error or off)";
  return why;
}

}  // namespace

Result<LevelFilter> LevelFilter::parse(std::string_view spec) {
  LevelFilter filter;
  spec = text::trim_space(spec);
  if (spec.empty()) return filter;

  bool default_seen = false;
  while (true) {
    const std::size_t comma = spec.find(',');
    const std::string_view directive = text::trim_space(spec.substr(0, comma));
    if (directive.empty()) {
      return directive_error(directive, "empty directive (check for a stray comma)");
    }
    const std::size_t equals = directive.find('=');
    if (equals == std::string_view::npos) {
      const auto level = parse_level(directive);
      if (!level) return directive_error(directive, unknown_level(directive));
      if (default_seen) return directive_error(directive, "the default level is given twice");
      default_seen = true;
      filter.default_ = *level;
    } else {
      const std::string_view target = text::trim_space(directive.substr(0, equals));
      const std::string_view level_text = text::trim_space(directive.substr(equals + 1));
      if (level_text.find('=') != std::string_view::npos) {
        return directive_error(directive, "more than one '='");
      }
      if (target.empty()) return directive_error(directive, "missing target before '='");
      if (level_text.empty()) return directive_error(directive, "missing level after '='");
      if (!valid_target(target)) {
        return directive_error(directive,
                               "a target is letters, digits, '_', '-' and '.' (not at either "
                               "end, not doubled)");
      }
      const auto level = parse_level(level_text);
      if (!level) return directive_error(directive, unknown_level(level_text));
      for (const auto& existing : filter.directives_) {
        if (existing.target == target) {
          return directive_error(directive, "the target is given twice");
        }
      }
      filter.directives_.push_back({std::string(target), *level});
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }

  std::stable_sort(
      filter.directives_.begin(), filter.directives_.end(),
      [](const Directive& a, const Directive& b) { return a.target.size() > b.target.size(); });
  filter.lowest_ = filter.highest_ = filter.default_;
  for (const auto& d : filter.directives_) {
    filter.lowest_ = std::min(filter.lowest_, d.level);
    filter.highest_ = std::max(filter.highest_, d.level);
  }
  return filter;
}

Level LevelFilter::level_for(std::string_view target) const noexcept {
  for (const auto& d : directives_) {
    if (target.size() < d.target.size() || target.compare(0, d.target.size(), d.target) != 0) {
      continue;
    }
    if (target.size() == d.target.size() || target[d.target.size()] == '.') return d.level;
  }
  return default_;
}

std::string LevelFilter::to_string() const {
  std::vector<const Directive*> sorted;
  sorted.reserve(directives_.size());
  for (const auto& d : directives_) sorted.push_back(&d);
  std::sort(sorted.begin(), sorted.end(),
            [](const Directive* a, const Directive* b) { return a->target < b->target; });
  std::string out(logs::to_string(default_));
  for (const Directive* d : sorted) {
    out += ',';
    out += d->target;
    out += '=';
    out += logs::to_string(d->level);
  }
  return out;
}

}  // namespace telemetry::logs
