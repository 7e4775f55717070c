#pragma once
// The SQLite backend: one file, one connection per database thread, the
// repositories on them, and the thread pool their calls run on.

#include <memory>
#include <string>

#include "storage/backend.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

// Opens `path` (created with its folders if missing), configures every connection and
// applies the pending migrations. Throws std::runtime_error if any of it fails.
std::unique_ptr<Backend> open_backend(const telemetry::Context& ctx, const std::string& path,
                                      const BackendOptions& options);

}  // namespace storage::sqlite
