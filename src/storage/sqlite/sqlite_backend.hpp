#pragma once
// The SQLite backend: one file, the repositories on it, and the executor that runs
// their calls (reads inline on the calling thread, writes grouped on one writer
// thread: sqlite_executor.hpp).

#include <memory>
#include <string>

#include "storage/backend.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

// Opens `path` (created with its folders if missing), configures the connections and
// applies the pending migrations. Throws std::runtime_error if any of it fails.
std::unique_ptr<Backend> open_backend(const telemetry::Context& ctx, const std::string& path,
                                      const BackendOptions& options);

}  // namespace storage::sqlite
