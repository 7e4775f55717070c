#include "storage/sqlite/statement_span.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

namespace storage::sqlite {

namespace {

std::optional<DatabaseError> classify_current_exception() {
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& error) {
    // get_error_message(): SOCI's what() may append the bound values.
    return DatabaseError(std::string(sqlite_code_name(error.result())), error.result(),
                         error.get_error_message());
  } catch (const soci::soci_error& error) {
    return DatabaseError("soci_error", -1, error.get_error_message());
  } catch (...) {
    return std::nullopt;
  }
}

constexpr DatabaseSystem kSqlite{kSystemName, &classify_current_exception};

}  // namespace

const DatabaseSystem& database_system() noexcept {
  return kSqlite;
}

std::string_view sqlite_code_name(int result) noexcept {
  switch (result & 0xff) {
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_LOCKED:
      return "SQLITE_LOCKED";
    case SQLITE_CONSTRAINT:
      return "SQLITE_CONSTRAINT";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    case SQLITE_NOMEM:
      return "SQLITE_NOMEM";
    case SQLITE_INTERRUPT:
      return "SQLITE_INTERRUPT";
    case SQLITE_MISMATCH:
      return "SQLITE_MISMATCH";
    case SQLITE_ERROR:
      return "SQLITE_ERROR";
    default:
      return "SQLITE_OTHER";
  }
}

}  // namespace storage::sqlite
