#include "api/client_log_options.hpp"

#include <charconv>

namespace api {

namespace {
std::optional<std::size_t> positive_number(std::string_view text) noexcept {
  std::size_t value = 0;
  const auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || stop != text.data() + text.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}
}  // namespace

std::optional<ClientLogRate> parse_client_log_rate(std::string_view text) noexcept {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view window = text.substr(slash + 1);
  if (!window.empty() && window.back() == 's') window.remove_suffix(1);
  const auto requests = positive_number(text.substr(0, slash));
  const auto seconds = positive_number(window);
  if (!requests || !seconds) return std::nullopt;
  return ClientLogRate{*requests, std::chrono::seconds(static_cast<std::int64_t>(*seconds))};
}

}  // namespace api
