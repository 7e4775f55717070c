#include "domain/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace domain {
namespace {

using validation::check_board;
using validation::check_element;
using validation::check_member_role;
using validation::check_page;
using validation::check_registration;

// The fields named by a list of errors, in order.
std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> fields;
  for (const auto& error : errors) fields.push_back(error.field);
  return fields;
}

using Fields = std::vector<std::string>;

TEST(RegistrationRules, AcceptsAValidUsernameAndPassword) {
  EXPECT_TRUE(check_registration({"alice_01.b-c", "correct horse"}).empty());
  EXPECT_TRUE(check_registration({"Alice", "12345678"}).empty());  // case is allowed
}

TEST(RegistrationRules, UsernameLengthIsThreeToThirtyTwo) {
  EXPECT_EQ(fields_of(check_registration({"ab", "password1"})), Fields{"username"});
  EXPECT_TRUE(check_registration({"abc", "password1"}).empty());
  EXPECT_TRUE(check_registration({std::string(32, 'a'), "password1"}).empty());
  EXPECT_EQ(fields_of(check_registration({std::string(33, 'a'), "password1"})), Fields{"username"});
  EXPECT_EQ(fields_of(check_registration({"", "password1"})), Fields{"username"});
}

TEST(RegistrationRules, UsernameAllowsOnlyLettersDigitsAndUnderscoreDotDash) {
  for (const char* bad : {"has space", "semi;colon", "quote'", "slash/x", "émile", "tab\tx"}) {
    const auto errors = check_registration({bad, "password1"});
    ASSERT_EQ(fields_of(errors), Fields{"username"}) << bad;
    EXPECT_NE(errors[0].message.find("may contain only"), std::string::npos);
  }
}

TEST(RegistrationRules, PasswordIsEightToOneHundredTwentyEightBytes) {
  EXPECT_EQ(fields_of(check_registration({"alice", "1234567"})), Fields{"password"});
  EXPECT_TRUE(check_registration({"alice", "12345678"}).empty());
  EXPECT_TRUE(check_registration({"alice", std::string(128, 'p')}).empty());
  EXPECT_EQ(fields_of(check_registration({"alice", std::string(129, 'p')})), Fields{"password"});
}

TEST(RegistrationRules, ReportsEveryBrokenRuleAtOnce) {
  EXPECT_EQ(fields_of(check_registration({"a b", "short"})), (Fields{"username", "password"}));
}

TEST(PageRules, LimitIsOneToOneHundred) {
  EXPECT_TRUE(check_page({20, {}}).empty());
  EXPECT_TRUE(check_page({1, {}}).empty());
  EXPECT_TRUE(check_page({100, SortKey{5000, 7}}).empty());
  EXPECT_EQ(fields_of(check_page({0, {}})), Fields{"limit"});
  EXPECT_EQ(fields_of(check_page({101, {}})), Fields{"limit"});
  EXPECT_EQ(fields_of(check_page({-1, {}})), Fields{"limit"});
}

TEST(BoardRules, NameMustNotBeBlankAndAtMostTwoHundredCharacters) {
  EXPECT_TRUE(check_board(BoardDraft{"Sprint planning", ""}).empty());
  EXPECT_EQ(fields_of(check_board(BoardDraft{"", ""})), Fields{"name"});
  EXPECT_EQ(fields_of(check_board(BoardDraft{"  \t ", ""})), Fields{"name"});
  EXPECT_TRUE(check_board(BoardDraft{std::string(200, 'n'), ""}).empty());
  EXPECT_EQ(fields_of(check_board(BoardDraft{std::string(201, 'n'), ""})), Fields{"name"});
}

TEST(BoardRules, NameOfOnlyUnicodeWhitespaceOrZeroWidthCharactersIsBlank) {
  // U+3000 ideographic space, U+00A0 no-break space, U+200B zero-width space, U+2003 em
  // space, U+FEFF byte order mark, U+0085 next line, U+2028 line separator.
  for (const std::string blank :
       {"\xE3\x80\x80", "\xC2\xA0", "\xE2\x80\x8B", " \xE2\x80\x83\t", "\xEF\xBB\xBF", "\xC2\x85",
        "\xE2\x80\xA8", "\xE3\x80\x80\xC2\xA0\xE2\x80\x8B"}) {
    EXPECT_EQ(fields_of(check_board(BoardDraft{blank, ""})), Fields{"name"}) << blank;
    BoardPatch patch;
    patch.name = blank;
    EXPECT_EQ(fields_of(check_board(patch)), Fields{"name"}) << blank;
  }
  // Visible characters among them make a name; so do non-Latin letters alone.
  EXPECT_TRUE(check_board(BoardDraft{"\xE3\x80\x80x\xE3\x80\x80", ""}).empty());
  EXPECT_TRUE(check_board(BoardDraft{"\xE6\x97\xA5", ""}).empty());      // 日
  EXPECT_TRUE(check_board(BoardDraft{"\xF0\x9F\x93\x8C", ""}).empty());  // 📌
}

TEST(BoardRules, LengthsCountCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xC3\xA9";  // é: 2 bytes, 1 character
  EXPECT_TRUE(check_board(BoardDraft{name, ""}).empty());
  EXPECT_EQ(fields_of(check_board(BoardDraft{name + "x", ""})), Fields{"name"});
}

TEST(BoardRules, DescriptionIsAtMostTwoThousandCharacters) {
  EXPECT_TRUE(check_board(BoardDraft{"b", std::string(2000, 'd')}).empty());
  EXPECT_EQ(fields_of(check_board(BoardDraft{"b", std::string(2001, 'd')})), Fields{"description"});
}

TEST(BoardRules, PatchChecksOnlyPresentFields) {
  EXPECT_TRUE(check_board(BoardPatch{}).empty());
  EXPECT_TRUE(check_board(BoardPatch{std::nullopt, std::string("new text")}).empty());
  EXPECT_EQ(fields_of(check_board(BoardPatch{std::string(""), std::nullopt})), Fields{"name"});
}

TEST(MemberRules, OnlyEditorOrViewerCanBeGranted) {
  EXPECT_TRUE(check_member_role("editor").empty());
  EXPECT_TRUE(check_member_role("viewer").empty());
  EXPECT_EQ(fields_of(check_member_role("owner")), Fields{"role"});
  EXPECT_EQ(fields_of(check_member_role("admin")), Fields{"role"});
  EXPECT_EQ(fields_of(check_member_role("Editor")), Fields{"role"});
}

ElementDraft valid_draft() {
  ElementDraft draft;
  draft.kind = "sticky_note";
  draft.x = 10;
  draft.y = -20;
  draft.width = 200;
  draft.height = 100;
  draft.rotation = 45;
  draft.z_index = 3;
  draft.style = {{"fill", "#ffeb3b"}};
  draft.text = "hello";
  return draft;
}

TEST(ElementRules, AcceptsEveryKnownKind) {
  for (const char* kind : {"sticky_note", "rectangle", "ellipse", "text", "line", "freehand"}) {
    ElementDraft draft = valid_draft();
    draft.kind = kind;
    EXPECT_TRUE(check_element(draft).empty()) << kind;
  }
}

TEST(ElementRules, RejectsUnknownKinds) {
  for (const char* kind : {"", "circle", "Rectangle", "sticky-note"}) {
    ElementDraft draft = valid_draft();
    draft.kind = kind;
    EXPECT_EQ(fields_of(check_element(draft)), Fields{"kind"}) << kind;
  }
}

TEST(ElementRules, NumbersMustBeFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ElementDraft draft = valid_draft();
  draft.x = nan;
  draft.y = inf;
  draft.width = nan;
  draft.height = -inf;
  draft.rotation = nan;
  EXPECT_EQ(fields_of(check_element(draft)), (Fields{"x", "y", "width", "height", "rotation"}));
}

TEST(ElementRules, CoordinatesStayWithinOneBillion) {
  ElementDraft draft = valid_draft();
  draft.x = -1e9;
  draft.y = 1e9;
  EXPECT_TRUE(check_element(draft).empty());
  draft.x = -1.0000001e9;
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"x"});
}

TEST(ElementRules, SizeIsZeroToOneHundredThousand) {
  ElementDraft draft = valid_draft();
  draft.width = 0;
  draft.height = 100000;
  EXPECT_TRUE(check_element(draft).empty());
  draft.width = -0.5;
  draft.height = 100000.5;
  const auto errors = check_element(draft);
  EXPECT_EQ(fields_of(errors), (Fields{"width", "height"}));
  EXPECT_EQ(errors[0].message, "must be a finite number between 0 and 100000");
}

TEST(ElementRules, RotationIsWithinPlusMinus360) {
  ElementDraft draft = valid_draft();
  draft.rotation = -360;
  EXPECT_TRUE(check_element(draft).empty());
  draft.rotation = 360;
  EXPECT_TRUE(check_element(draft).empty());
  draft.rotation = 360.1;
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"rotation"});
  draft.rotation = -361;
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"rotation"});
}

TEST(ElementRules, ZIndexIsA32BitInteger) {
  ElementDraft draft = valid_draft();
  draft.z_index = 2147483647;
  EXPECT_TRUE(check_element(draft).empty());
  draft.z_index = -2147483648LL;
  EXPECT_TRUE(check_element(draft).empty());
  draft.z_index = 2147483648LL;
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"z_index"});
  draft.z_index = -2147483649LL;
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"z_index"});
}

TEST(ElementRules, TextIsAtMostTenThousandCharacters) {
  ElementDraft draft = valid_draft();
  draft.text.clear();
  for (int i = 0; i < 10000; ++i) draft.text += "\xE2\x82\xAC";  // €: 3 bytes, 1 character
  EXPECT_TRUE(check_element(draft).empty());
  draft.text += "x";
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"text"});
}

TEST(ElementRules, StyleIsAtMostSixteenKibibytesOfJson) {
  ElementDraft draft = valid_draft();
  // {"k":"<v>"} is 8 bytes of framing around the value.
  draft.style = {{"k", std::string(16384 - 8, 'v')}};
  EXPECT_TRUE(check_element(draft).empty());
  draft.style = {{"k", std::string(16384 - 7, 'v')}};
  EXPECT_EQ(fields_of(check_element(draft)), Fields{"style"});
}

TEST(ElementRules, PatchNeedsTheVersionItIsBasedOn) {
  ElementPatch patch;
  patch.x = 5;
  EXPECT_EQ(fields_of(check_element(patch)), Fields{"version"});
  patch.version = 0;
  EXPECT_EQ(fields_of(check_element(patch)), Fields{"version"});
  patch.version = 1;
  EXPECT_TRUE(check_element(patch).empty());
}

TEST(ElementRules, PatchChecksEachPresentField) {
  ElementPatch patch;
  patch.version = 4;
  patch.kind = "hexagon";
  patch.width = -1;
  patch.rotation = 720;
  patch.z_index = 1LL << 40;
  patch.text = std::string(10001, 't');
  EXPECT_EQ(fields_of(check_element(patch)),
            (Fields{"kind", "width", "rotation", "z_index", "text"}));
}

TEST(RequireValid, ThrowsValidationFailedWithTheDetails) {
  EXPECT_NO_THROW(validation::require_valid({}));
  try {
    validation::require_valid({{"name", "must not be empty"}});
    FAIL() << "expected a DomainError";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    EXPECT_EQ(error.code_name(), "validation_failed");
    ASSERT_EQ(error.details().size(), 1u);
    EXPECT_EQ(error.details()[0], (FieldError{"name", "must not be empty"}));
  }
}

}  // namespace
}  // namespace domain
