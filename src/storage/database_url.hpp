#pragma once
// DATABASE_URL parsing: which backend, and where.

#include <string>
#include <string_view>

namespace storage {

struct DatabaseUrl {
  std::string scheme;  // "sqlite"
  std::string path;    // file path for sqlite
};

// Accepts sqlite://relative/path and sqlite:///absolute/path. Throws
// std::invalid_argument naming what is wrong (never echoing credentials).
DatabaseUrl parse_database_url(std::string_view url);

}  // namespace storage
