#pragma once
// The backend factory: DATABASE_URL's scheme chooses the implementation. Adding a
// backend is its folder under src/storage, its scheme in parse_database_url (which
// refuses any other, with the list of supported ones) and one line in open_backend.cpp.

#include <memory>
#include <string_view>

#include "storage/backend.hpp"
#include "telemetry/context.hpp"

namespace storage {

// Opens and migrates the database. Throws std::invalid_argument for an unsupported
// URL, std::runtime_error if the database cannot be opened or migrated.
//   sqlite://relative/path, sqlite:///absolute/path
std::unique_ptr<Backend> open_backend(const telemetry::Context& ctx, std::string_view database_url,
                                      const BackendOptions& options);

}  // namespace storage
