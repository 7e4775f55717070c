#pragma once
// The one exception type use cases throw. `code()` is stable and machine-readable;
// the API maps it to an HTTP status:
//   validation_failed -> 422 (details(): one {field, message} per broken rule)
//   unauthorized      -> 401 (bad credentials, missing/unknown/expired token)
//   forbidden         -> 403 (a member whose role is too low for the action)
//   not_found         -> 404 (also: a board the caller is not a member of)
//   version_conflict  -> 409 (current_element(): the element as it is now)
//   username_taken    -> 409
//   conflict          -> 409 (already a member; the owner cannot be removed)
//   limit_reached     -> 409 (the board holds as many elements or members as allowed)
// Messages are for people and never contain passwords or tokens.

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.hpp"

namespace domain {

enum class ErrorCode : std::uint8_t {
  validation_failed,
  unauthorized,
  forbidden,
  not_found,
  version_conflict,
  username_taken,
  conflict,
  limit_reached,
};

std::string_view to_string(ErrorCode code) noexcept;  // "validation_failed", ...

struct FieldError {
  std::string field;    // the JSON field name as the API spells it ("username", "width"...)
  std::string message;  // e.g. "must be between 3 and 32 characters"
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

class DomainError : public std::exception {
 public:
  DomainError(ErrorCode code, std::string message);

  static DomainError validation(std::vector<FieldError> details);
  static DomainError not_found(std::string what);  // "board not found"
  static DomainError version_conflict(Element current);

  ErrorCode code() const noexcept { return code_; }
  std::string_view code_name() const noexcept { return to_string(code_); }
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }
  const std::vector<FieldError>& details() const noexcept { return details_; }
  // Set only for version_conflict.
  const Element* current_element() const noexcept { return current_.get(); }

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<FieldError> details_;
  std::shared_ptr<const Element> current_;  // shared: exceptions are copied when thrown
};

}  // namespace domain
