#include "app/connection_cap.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <limits>

namespace app {

namespace {

// Above this an unlimited or huge descriptor limit is not a useful bound; memory is.
constexpr std::uint64_t kLargestCap = 1'000'000;

}  // namespace

std::size_t descriptor_reserve(unsigned db_threads) {
  return 32 + 3 * std::size_t{db_threads};
}

std::variant<std::size_t, std::string> connection_cap(std::size_t requested,
                                                      std::uint64_t descriptor_limit,
                                                      unsigned db_threads) {
  const std::uint64_t reserve = descriptor_reserve(db_threads);
  if (descriptor_limit <= reserve) {
    return "the descriptor limit (RLIMIT_NOFILE, ulimit -n) is " +
           std::to_string(descriptor_limit) + ", which leaves no room for connections beside the " +
           std::to_string(reserve) + " descriptors kept for the database, logs and exports";
  }
  const std::uint64_t most = std::min(descriptor_limit - reserve, kLargestCap);
  if (requested == 0) return static_cast<std::size_t>(most);
  if (requested > most) {
    return "BOARD_MAX_CONNECTIONS: " + std::to_string(requested) +
           " is above what the descriptor limit allows: RLIMIT_NOFILE (ulimit -n) is " +
           std::to_string(descriptor_limit) + " and " + std::to_string(reserve) +
           " descriptors are kept for the database, logs and exports, so at most " +
           std::to_string(most) + " (or raise the limit)";
  }
  return requested;
}

std::uint64_t descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return limit.rlim_cur;
}

}  // namespace app
