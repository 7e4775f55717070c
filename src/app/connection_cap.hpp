#pragma once
// How many connections the service may hold open at once (BOARD_MAX_CONNECTIONS),
// checked against the process's descriptor limit (RLIMIT_NOFILE) at start-up. Each
// connection is one descriptor, and some descriptors are never connections: the
// standard streams, the listening socket, the event loop's own, the database (SQLite
// keeps the file, its WAL and its shared-memory index open per connection) and the
// OTLP exporters' sockets. The reserve keeps room for them, so the server reaches its
// own cap, where it waits calmly, before the kernel's limit, where accept fails.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace app {

// Descriptors kept for everything but connections: 32 + 3 per SQLite connection
// (`db_threads`: every connection the database opens, see main.cpp).
std::size_t descriptor_reserve(unsigned db_threads);

// `requested` 0 (the default) takes what the limit allows: the limit minus the
// reserve. A requested cap above that is refused with a line that says why and what
// the most is; so is a limit that leaves no room for any connection.
std::variant<std::size_t, std::string> connection_cap(std::size_t requested,
                                                      std::uint64_t descriptor_limit,
                                                      unsigned db_threads);

// The soft RLIMIT_NOFILE of this process (UINT64_MAX when unlimited).
std::uint64_t descriptor_limit();

}  // namespace app
