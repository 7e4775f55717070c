#include "telemetry/trace_view/assets.hpp"

namespace telemetry::trace_view {

std::optional<Asset> find_asset(std::string_view name) noexcept {
  for (const Asset& asset : assets()) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

std::string_view content_type(std::string_view name) noexcept {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace telemetry::trace_view
