#pragma once
// The rules every input must meet, in one place. Each check returns the broken
// rules (empty when the input is fine); `require_valid` turns them into a
// validation_failed DomainError. Field names are the API's JSON names.

#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/errors.hpp"
#include "domain/inputs.hpp"

namespace domain::validation {

inline constexpr std::size_t kUsernameMin = 3;  // characters of [A-Za-z0-9_.-]
inline constexpr std::size_t kUsernameMax = 32;
inline constexpr std::size_t kPasswordMin = 8;  // bytes
inline constexpr std::size_t kPasswordMax = 128;
inline constexpr std::size_t kBoardNameMax = 200;  // characters (code points)
inline constexpr std::size_t kBoardDescriptionMax = 2000;
inline constexpr std::int64_t kPageLimitMax = 100;
inline constexpr double kCoordinateMax = 1e9;              // |x|, |y|
inline constexpr double kSizeMax = 100000;                 // width, height in [0, kSizeMax]
inline constexpr double kRotationMax = 360;                // rotation in [-360, 360]
inline constexpr std::int64_t kZIndexMin = -2147483648LL;  // 32-bit signed range
inline constexpr std::int64_t kZIndexMax = 2147483647LL;
inline constexpr std::size_t kTextMax = 10000;        // characters (code points)
inline constexpr std::size_t kStyleMaxBytes = 16384;  // serialized JSON

std::vector<FieldError> check_registration(const Credentials& credentials);
std::vector<FieldError> check_page(const Page& page);
std::vector<FieldError> check_board(const BoardDraft& draft);
std::vector<FieldError> check_board(const BoardPatch& patch);
// The role `add_member` may grant: "editor" or "viewer".
std::vector<FieldError> check_member_role(std::string_view role);
std::vector<FieldError> check_element(const ElementDraft& draft);
std::vector<FieldError> check_element(const ElementPatch& patch);

// Throws DomainError(validation_failed) carrying `errors` unless it is empty.
void require_valid(std::vector<FieldError> errors);

// Number of UTF-8 code points (the "characters" of the limits above).
std::size_t utf8_length(std::string_view text) noexcept;

// True if `text` (UTF-8) shows as nothing: empty, or only Unicode whitespace
// (White_Space: U+0020, U+00A0, U+3000, ...) and zero-width characters (U+200B...).
bool is_blank(std::string_view text) noexcept;

}  // namespace domain::validation
