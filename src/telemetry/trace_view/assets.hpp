#pragma once
// The trace view's pages and their style and script, embedded at build time from
// assets/ (see embed_assets.cmake): real files in the source tree, no build step.

#include <optional>
#include <span>
#include <string_view>

namespace telemetry::trace_view {

struct Asset {
  std::string_view name;  // "traces.html"
  std::string_view body;
};

std::span<const Asset> assets() noexcept;

// The asset called `name`, if there is one.
std::optional<Asset> find_asset(std::string_view name) noexcept;

// "text/html; charset=utf-8" and so on, from the name's extension.
std::string_view content_type(std::string_view name) noexcept;

}  // namespace telemetry::trace_view
