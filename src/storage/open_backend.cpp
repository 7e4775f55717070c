#include "storage/open_backend.hpp"

#include <stdexcept>

#include "storage/database_url.hpp"
#include "storage/sqlite/sqlite_backend.hpp"

namespace storage {

std::unique_ptr<Backend> open_backend(const telemetry::Context& ctx, std::string_view database_url,
                                      const BackendOptions& options) {
  const DatabaseUrl url = parse_database_url(database_url);
  // parse_database_url admits only the schemes listed here.
  if (url.scheme == "sqlite") return sqlite::open_backend(ctx, url.path, options);
  throw std::logic_error("no backend for the admitted scheme '" + url.scheme + "'");
}

}  // namespace storage
