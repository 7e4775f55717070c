#include "domain/errors.hpp"

namespace domain {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::validation_failed:
      return "validation_failed";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::version_conflict:
      return "version_conflict";
    case ErrorCode::username_taken:
      return "username_taken";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::limit_reached:
      return "limit_reached";
  }
  return "unknown";
}

DomainError::DomainError(ErrorCode code, std::string message)
    : code_(code), message_(std::move(message)) {}

DomainError DomainError::validation(std::vector<FieldError> details) {
  DomainError error(ErrorCode::validation_failed, "the request has invalid fields");
  error.details_ = std::move(details);
  return error;
}

DomainError DomainError::not_found(std::string what) {
  return DomainError(ErrorCode::not_found, std::move(what));
}

DomainError DomainError::version_conflict(Element current) {
  DomainError error(ErrorCode::version_conflict,
                    "the element was changed by someone else; current version is " +
                        std::to_string(current.version));
  error.current_ = std::make_shared<const Element>(std::move(current));
  return error;
}

}  // namespace domain
