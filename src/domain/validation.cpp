#include "domain/validation.hpp"

#include <boost/json/serialize.hpp>
#include <cmath>
#include <string>

#include "domain/entities.hpp"

namespace domain::validation {

namespace {

using Errors = std::vector<FieldError>;

std::string range_text(double low, double high) {
  auto text = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  return "must be a finite number between " + text(low) + " and " + text(high);
}

void check_number(Errors& errors, const char* field, double value, double low, double high) {
  if (!std::isfinite(value) || value < low || value > high) {
    errors.push_back({field, range_text(low, high)});
  }
}

bool is_username_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Unicode's White_Space property, plus the characters that are invisible but not
// White_Space (zero-width space, joiners, word joiner, byte order mark, Mongolian vowel
// separator): a name made only of these shows as nothing.
bool is_invisible(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         c == 0x180E || (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

// Decodes one code point of well-formed UTF-8 (the JSON parser has checked it) at
// `text[i]` and moves `i` past it.
char32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
  const auto byte = [&](std::size_t at) {
    return at < text.size() ? static_cast<unsigned char>(text[at]) : 0u;
  };
  const unsigned lead = byte(i);
  if (lead < 0x80) {
    i += 1;
    return lead;
  }
  if ((lead & 0xE0) == 0xC0) {
    const char32_t c = ((lead & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    i += 2;
    return c;
  }
  if ((lead & 0xF0) == 0xE0) {
    const char32_t c = ((lead & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    i += 3;
    return c;
  }
  const char32_t c = ((lead & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) |
                     ((byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F);
  i += 4;
  return c;
}

}  // namespace

bool is_blank(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    if (!is_invisible(next_code_point(text, i))) return false;
  }
  return true;
}

namespace {

void check_board_name(Errors& errors, std::string_view name) {
  if (is_blank(name)) {
    errors.push_back({"name", "must not be empty"});
  } else if (utf8_length(name) > kBoardNameMax) {
    errors.push_back({"name", "must be at most " + std::to_string(kBoardNameMax) + " characters"});
  }
}

void check_board_description(Errors& errors, std::string_view description) {
  if (utf8_length(description) > kBoardDescriptionMax) {
    errors.push_back(
        {"description", "must be at most " + std::to_string(kBoardDescriptionMax) + " characters"});
  }
}

void check_kind(Errors& errors, std::string_view kind) {
  if (!parse_element_kind(kind)) {
    errors.push_back(
        {"kind", "must be one of sticky_note, rectangle, ellipse, text, line, freehand"});
  }
}

void check_z_index(Errors& errors, std::int64_t z) {
  if (z < kZIndexMin || z > kZIndexMax) {
    errors.push_back({"z_index", "must be an integer between -2147483648 and 2147483647"});
  }
}

void check_style(Errors& errors, const boost::json::object& style) {
  if (boost::json::serialize(style).size() > kStyleMaxBytes) {
    errors.push_back({"style", "must be at most " + std::to_string(kStyleMaxBytes) +
                                   " bytes when serialized as JSON"});
  }
}

void check_text(Errors& errors, std::string_view text) {
  if (utf8_length(text) > kTextMax) {
    errors.push_back({"text", "must be at most " + std::to_string(kTextMax) + " characters"});
  }
}

}  // namespace

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) {
    // Every code point has exactly one byte that is not a continuation (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::vector<FieldError> check_registration(const Credentials& credentials) {
  Errors errors;
  const std::string& name = credentials.username;
  if (name.size() < kUsernameMin || name.size() > kUsernameMax) {
    errors.push_back({"username", "must be between " + std::to_string(kUsernameMin) + " and " +
                                      std::to_string(kUsernameMax) + " characters"});
  }
  for (const char c : name) {
    if (!is_username_char(c)) {
      errors.push_back({"username", "may contain only letters a-z, digits, '_', '.' and '-'"});
      break;
    }
  }
  const std::size_t length = credentials.password.size();
  if (length < kPasswordMin || length > kPasswordMax) {
    errors.push_back({"password", "must be between " + std::to_string(kPasswordMin) + " and " +
                                      std::to_string(kPasswordMax) + " bytes"});
  }
  return errors;
}

std::vector<FieldError> check_page(const Page& page) {
  Errors errors;
  if (page.limit < 1 || page.limit > kPageLimitMax) {
    errors.push_back({"limit", "must be between 1 and " + std::to_string(kPageLimitMax)});
  }
  return errors;
}

std::vector<FieldError> check_board(const BoardDraft& draft) {
  Errors errors;
  check_board_name(errors, draft.name);
  check_board_description(errors, draft.description);
  return errors;
}

std::vector<FieldError> check_board(const BoardPatch& patch) {
  Errors errors;
  if (patch.name) check_board_name(errors, *patch.name);
  if (patch.description) check_board_description(errors, *patch.description);
  return errors;
}

std::vector<FieldError> check_member_role(std::string_view role) {
  const auto parsed = parse_role(role);
  if (parsed == Role::editor || parsed == Role::viewer) return {};
  return {{"role", "must be editor or viewer"}};
}

std::vector<FieldError> check_element(const ElementDraft& draft) {
  Errors errors;
  check_kind(errors, draft.kind);
  check_number(errors, "x", draft.x, -kCoordinateMax, kCoordinateMax);
  check_number(errors, "y", draft.y, -kCoordinateMax, kCoordinateMax);
  check_number(errors, "width", draft.width, 0, kSizeMax);
  check_number(errors, "height", draft.height, 0, kSizeMax);
  check_number(errors, "rotation", draft.rotation, -kRotationMax, kRotationMax);
  check_z_index(errors, draft.z_index);
  check_style(errors, draft.style);
  check_text(errors, draft.text);
  return errors;
}

std::vector<FieldError> check_element(const ElementPatch& patch) {
  Errors errors;
  if (!patch.version) {
    errors.push_back({"version", "is required: the version this change is based on"});
  } else if (*patch.version < 1) {
    errors.push_back({"version", "must be at least 1"});
  }
  if (patch.kind) check_kind(errors, *patch.kind);
  if (patch.x) check_number(errors, "x", *patch.x, -kCoordinateMax, kCoordinateMax);
  if (patch.y) check_number(errors, "y", *patch.y, -kCoordinateMax, kCoordinateMax);
  if (patch.width) check_number(errors, "width", *patch.width, 0, kSizeMax);
  if (patch.height) check_number(errors, "height", *patch.height, 0, kSizeMax);
  if (patch.rotation)
    check_number(errors, "rotation", *patch.rotation, -kRotationMax, kRotationMax);
  if (patch.z_index) check_z_index(errors, *patch.z_index);
  if (patch.style) check_style(errors, *patch.style);
  if (patch.text) check_text(errors, *patch.text);
  return errors;
}

void require_valid(std::vector<FieldError> errors) {
  if (!errors.empty()) throw DomainError::validation(std::move(errors));
}

}  // namespace domain::validation
