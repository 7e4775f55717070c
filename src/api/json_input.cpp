#include "api/json_input.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parser.hpp>
#include <charconv>
#include <cmath>
#include <limits>

#include "api/duplicate_keys.hpp"

namespace api {

namespace beast_http = boost::beast::http;

namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view json_type_name(const boost::json::value& value) noexcept {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

// Largest magnitude at which every integer is exactly representable in a double.
constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53

}  // namespace

bool is_json_media_type(std::string_view content_type) noexcept {
  const auto semicolon = content_type.find(';');
  return iequals(trim(content_type.substr(0, semicolon)), "application/json");
}

boost::json::value parse_json_body(const http::Request& request) {
  const auto content_type = request.header(beast_http::field::content_type);
  if (!is_json_media_type(content_type)) {
    throw http::ApiError(beast_http::status::unsupported_media_type, "unsupported_media_type",
                         content_type.empty()
                             ? "this request needs a body with Content-Type: application/json"
                             : "expected Content-Type: application/json, got " +
                                   std::string(content_type.substr(0, 100)));
  }
  const std::string& body = request.body();
  if (trim(body).empty()) {
    throw http::ApiError(beast_http::status::bad_request, "malformed_json",
                         "the body is empty; expected a JSON document");
  }
  boost::json::parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  if (ec) {
    throw http::ApiError(
        beast_http::status::bad_request, "malformed_json",
        "the body is not valid JSON: " + ec.message() + " at offset " + std::to_string(consumed));
  }
  if (const auto key = first_duplicate_key(body)) {
    // The key is echoed only when short; cutting it could split a UTF-8 sequence.
    throw http::ApiError(beast_http::status::bad_request, "malformed_json",
                         key->size() <= 64
                             ? "the body has an object with the key \"" + *key + "\" twice"
                             : std::string("the body has an object with a key twice"));
  }
  return parser.release();
}

boost::json::value to_json(const std::vector<domain::FieldError>& errors) {
  boost::json::array list;
  list.reserve(errors.size());
  for (const auto& error : errors) {
    list.push_back(boost::json::object{{"field", error.field}, {"message", error.message}});
  }
  return list;
}

http::ApiError validation_error(const std::vector<domain::FieldError>& errors,
                                std::string message) {
  return http::ApiError(beast_http::status::unprocessable_entity, "validation_failed",
                        std::move(message), to_json(errors));
}

const boost::json::object& require_object(const boost::json::value& body) {
  if (const auto* object = body.if_object()) return *object;
  throw validation_error(
      {{"body", "must be a JSON object, not " + std::string(json_type_name(body))}});
}

ObjectReader::ObjectReader(const boost::json::object& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string ObjectReader::name(std::string_view key) const {
  return prefix_ + std::string(key);
}

void ObjectReader::add_error(std::string_view field, std::string message) {
  errors_.push_back({name(field), std::move(message)});
}

const boost::json::value* ObjectReader::lookup(std::string_view key, Need need) {
  known_.emplace_back(key);
  const auto* value = object_.if_contains(key);
  if (value == nullptr && need == Need::required) add_error(key, "is required");
  return value;
}

std::optional<std::string> ObjectReader::string(std::string_view key, Need need) {
  const auto* value = lookup(key, need);
  if (value == nullptr) return std::nullopt;
  if (const auto* text = value->if_string()) return std::string(*text);
  add_error(key, "must be a string, not " + std::string(json_type_name(*value)));
  return std::nullopt;
}

std::optional<std::string> ObjectReader::nullable_string(std::string_view key) {
  const auto* value = lookup(key, Need::optional);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) return std::string();
  if (const auto* text = value->if_string()) return std::string(*text);
  add_error(key, "must be a string or null, not " + std::string(json_type_name(*value)));
  return std::nullopt;
}

std::optional<double> ObjectReader::number(std::string_view key, Need need) {
  const auto* value = lookup(key, need);
  if (value == nullptr) return std::nullopt;
  double result = 0;
  switch (value->kind()) {
    case boost::json::kind::int64:
      result = static_cast<double>(value->get_int64());
      break;
    case boost::json::kind::uint64:
      result = static_cast<double>(value->get_uint64());
      break;
    case boost::json::kind::double_:
      result = value->get_double();
      break;
    default:
      add_error(key, "must be a number, not " + std::string(json_type_name(*value)));
      return std::nullopt;
  }
  if (!std::isfinite(result)) {
    add_error(key, "must be a finite number");
    return std::nullopt;
  }
  return result;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, Need need) {
  const auto* value = lookup(key, need);
  if (value == nullptr) return std::nullopt;
  switch (value->kind()) {
    case boost::json::kind::int64:
      return value->get_int64();
    case boost::json::kind::uint64:
      if (value->get_uint64() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(value->get_uint64());
      }
      add_error(key, "is out of range");
      return std::nullopt;
    case boost::json::kind::double_: {
      // JavaScript writes some whole numbers in exponent form (1e21); accept those that
      // are exact, refuse fractions.
      const double d = value->get_double();
      if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= kExactIntegerLimit) {
        return static_cast<std::int64_t>(d);
      }
      add_error(key, "must be an integer");
      return std::nullopt;
    }
    default:
      add_error(key, "must be an integer, not " + std::string(json_type_name(*value)));
      return std::nullopt;
  }
}

std::optional<boost::json::object> ObjectReader::object(std::string_view key, Need need) {
  const auto* value = lookup(key, need);
  if (value == nullptr) return std::nullopt;
  if (const auto* object = value->if_object()) return *object;
  add_error(key, "must be an object, not " + std::string(json_type_name(*value)));
  return std::nullopt;
}

void ObjectReader::reject_unknown_fields() {
  if (unknown_checked_) return;
  unknown_checked_ = true;
  for (const auto& entry : object_) {
    bool known = false;
    for (const auto& key : known_) known = known || key == entry.key();
    if (!known) add_error(entry.key(), "unknown field");
  }
}

void ObjectReader::finish() {
  reject_unknown_fields();
  if (!errors_.empty()) throw validation_error(errors_);
}

std::optional<std::int64_t> query_integer(const http::Request& request, std::string_view name,
                                          std::vector<domain::FieldError>& errors) {
  const auto text = request.query_param(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  const auto [stop, ec] = std::from_chars(begin, end, value);
  if (text->empty() || ec != std::errc() || stop != end) {
    errors.push_back(
        {std::string(name), "must be a decimal integer, not '" + text->substr(0, 32) + "'"});
    return std::nullopt;
  }
  return value;
}

std::int64_t path_id(const http::Request& request, std::string_view name, std::string_view what) {
  std::int64_t value = 0;
  const auto it = request.params.find(name);
  if (it != request.params.end()) {
    const std::string& text = it->second;
    const auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc() && stop == text.data() + text.size() && value > 0) {
      return value;
    }
  }
  throw http::ApiError(beast_http::status::not_found, "not_found",
                       std::string(what) + " not found");
}

boost::json::value number_to_json(double value) {
  if (std::trunc(value) == value && std::fabs(value) <= kExactIntegerLimit) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

}  // namespace api
