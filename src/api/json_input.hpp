#pragma once
// Reading request bodies: the media type (415), the JSON syntax (400) and then the
// shape of the value (422), with one {field, message} per problem so that a client
// learns everything that is wrong in one round trip. Unknown fields are rejected
// (docs/api.md), which is what `ObjectReader::finish` checks.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errors.hpp"
#include "http/error.hpp"
#include "http/request.hpp"

namespace api {

// True for "application/json", any letter case, with or without parameters.
bool is_json_media_type(std::string_view content_type) noexcept;

// Checks Content-Type (415 unsupported_media_type) and parses the body (400
// malformed_json, the message naming the parser's complaint and the offset). Also 400
// malformed_json: nesting deeper than 32 levels, and an object with a key twice.
boost::json::value parse_json_body(const http::Request& request);

// 422 validation_failed carrying `errors` as details.
http::ApiError validation_error(const std::vector<domain::FieldError>& errors,
                                std::string message = "the request has invalid fields");

boost::json::value to_json(const std::vector<domain::FieldError>& errors);

// Typed, collecting access to a JSON object's fields. Each accessor records the field
// as known; a wrong type or a missing required field becomes an error in `errors()`
// and the accessor returns nullopt, so reading continues and every problem is found.
class ObjectReader {
 public:
  // `prefix` is put before field names in errors ("fields." gives "fields.key").
  explicit ObjectReader(const boost::json::object& object, std::string prefix = {});

  enum class Need { optional, required };

  std::optional<std::string> string(std::string_view key, Need need = Need::optional);
  // Like string(), but JSON null reads as "" (a field that can be cleared).
  std::optional<std::string> nullable_string(std::string_view key);
  // Any JSON number; must be finite.
  std::optional<double> number(std::string_view key, Need need = Need::optional);
  // A JSON number without a fractional part that fits in 64 bits.
  std::optional<std::int64_t> integer(std::string_view key, Need need = Need::optional);
  std::optional<boost::json::object> object(std::string_view key, Need need = Need::optional);

  bool has(std::string_view key) const { return object_.contains(key); }

  // Adds an error for every field no accessor has asked for (once).
  void reject_unknown_fields();
  void add_error(std::string_view field, std::string message);
  std::vector<domain::FieldError>& errors() noexcept { return errors_; }

  // reject_unknown_fields(), then throws validation_error(errors()) if there are any.
  void finish();

 private:
  const boost::json::value* lookup(std::string_view key, Need need);
  std::string name(std::string_view key) const;

  const boost::json::object& object_;
  std::string prefix_;
  std::vector<std::string> known_;
  std::vector<domain::FieldError> errors_;
  bool unknown_checked_ = false;
};

// The body as an object, or 422 with field "body".
const boost::json::object& require_object(const boost::json::value& body);

// Query parameter as a decimal integer; 422 with the parameter's name otherwise.
std::optional<std::int64_t> query_integer(const http::Request& request, std::string_view name,
                                          std::vector<domain::FieldError>& errors);

// Path parameter as a positive id; 404 `what` otherwise (an id that cannot exist is
// simply not found).
std::int64_t path_id(const http::Request& request, std::string_view name, std::string_view what);

// A double that holds a whole number is written as a JSON integer ("200", which people
// read more easily than Boost.JSON's "2E2"); anything else as a double.
boost::json::value number_to_json(double value);

}  // namespace api
