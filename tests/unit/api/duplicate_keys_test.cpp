// Bodies with a key twice in one object: found at any depth, however the key is spelt.
#include "api/duplicate_keys.hpp"

#include <gtest/gtest.h>

namespace {

using api::first_duplicate_key;

TEST(DuplicateKeys, FindsTheRepeatedKeyOfAnObject) {
  EXPECT_EQ(first_duplicate_key(R"({"username":"nobody","username":"alice","password":"x"})"),
            "username");
  EXPECT_EQ(first_duplicate_key(R"({"a":1,"b":2,"a":3})"), "a");
}

TEST(DuplicateKeys, FindsThemInNestedObjectsAndArrays) {
  EXPECT_EQ(first_duplicate_key(R"({"style":{"fill":"red","fill":"blue"}})"), "fill");
  EXPECT_EQ(first_duplicate_key(R"([{"ok":1},{"x":1,"x":2}])"), "x");
}

TEST(DuplicateKeys, EscapesSpellTheSameKey) {
  EXPECT_EQ(first_duplicate_key(R"({"name":1,"n\u0061me":2})"), "name");
}

TEST(DuplicateKeys, TheSameKeyInSiblingOrNestedObjectsIsFine) {
  EXPECT_EQ(first_duplicate_key(R"({"a":{"a":{"a":1}},"b":{"a":2}})"), std::nullopt);
  EXPECT_EQ(first_duplicate_key(R"([{"a":1},{"a":2}])"), std::nullopt);
  EXPECT_EQ(first_duplicate_key(R"({"a":"a","b":["a","a"]})"), std::nullopt);
  EXPECT_EQ(first_duplicate_key("{}"), std::nullopt);
  EXPECT_EQ(first_duplicate_key("42"), std::nullopt);
}

}  // namespace
