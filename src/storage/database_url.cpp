#include "storage/database_url.hpp"

#include <stdexcept>

namespace storage {

DatabaseUrl parse_database_url(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) {
    throw std::invalid_argument("DATABASE_URL must look like sqlite://path/to/file.db");
  }
  DatabaseUrl parsed{std::string(url.substr(0, separator)), std::string(url.substr(separator + 3))};
  if (parsed.scheme != "sqlite") {
    throw std::invalid_argument("DATABASE_URL scheme '" + parsed.scheme +
                                "' is not supported (supported: sqlite)");
  }
  if (parsed.path.empty()) throw std::invalid_argument("DATABASE_URL has no file path");
  if (parsed.path.find('\0') != std::string::npos) {
    throw std::invalid_argument("DATABASE_URL path contains a NUL byte");
  }
  return parsed;
}

}  // namespace storage
