// The typed reader behind every request body: types, required fields, unknown fields.
#include "api/json_input.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using Need = api::ObjectReader::Need;

std::vector<std::string> fields_of(const std::vector<domain::FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(ObjectReader, ReadsTypedFields) {
  const auto value =
      boost::json::parse(R"({"s":"text","n":1.5,"i":7,"big":1e3,"o":{"a":1},"nul":null})");
  api::ObjectReader reader(value.as_object());
  EXPECT_EQ(reader.string("s"), "text");
  EXPECT_EQ(reader.number("n"), 1.5);
  EXPECT_EQ(reader.integer("i"), 7);
  EXPECT_EQ(reader.integer("big"), 1000);  // a whole double is an integer
  EXPECT_TRUE(reader.object("o").has_value());
  EXPECT_EQ(reader.nullable_string("nul"), "");
  EXPECT_FALSE(reader.string("absent").has_value());
  EXPECT_NO_THROW(reader.finish());
}

TEST(ObjectReader, CollectsEveryProblem) {
  const auto value = boost::json::parse(R"({"s":1,"n":"x","i":1.5,"o":[],"extra":0})");
  api::ObjectReader reader(value.as_object());
  EXPECT_FALSE(reader.string("s"));
  EXPECT_FALSE(reader.number("n"));
  EXPECT_FALSE(reader.integer("i"));
  EXPECT_FALSE(reader.object("o"));
  EXPECT_FALSE(reader.string("needed", Need::required));
  reader.reject_unknown_fields();
  reader.reject_unknown_fields();  // idempotent
  const std::vector<std::string> expected{"s", "n", "i", "o", "needed", "extra"};
  EXPECT_EQ(fields_of(reader.errors()), expected);
}

TEST(ObjectReader, FinishThrowsValidationFailedWithDetails) {
  const auto value = boost::json::parse(R"({"unknown":1})");
  api::ObjectReader reader(value.as_object());
  try {
    reader.finish();
    FAIL() << "expected a validation error";
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), boost::beast::http::status::unprocessable_entity);
    EXPECT_EQ(error.code(), "validation_failed");
    EXPECT_EQ(boost::json::serialize(error.details()),
              R"([{"field":"unknown","message":"unknown field"}])");
  }
}

TEST(ObjectReader, IntegerRange) {
  const auto value = boost::json::parse(R"({"u":18446744073709551615,"d":1e300})");
  api::ObjectReader reader(value.as_object());
  EXPECT_FALSE(reader.integer("u"));
  EXPECT_FALSE(reader.integer("d"));
  EXPECT_EQ(reader.errors().size(), 2u);
}

TEST(JsonMediaType, AcceptsParametersAndCase) {
  EXPECT_TRUE(api::is_json_media_type("application/json"));
  EXPECT_TRUE(api::is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(api::is_json_media_type(" application/json ;charset=UTF-8"));
  EXPECT_FALSE(api::is_json_media_type(""));
  EXPECT_FALSE(api::is_json_media_type("text/json"));
  EXPECT_FALSE(api::is_json_media_type("application/jsonx"));
  EXPECT_FALSE(api::is_json_media_type("application/json-patch+json"));
}

TEST(NumberToJson, WholeNumbersAreIntegers) {
  EXPECT_EQ(boost::json::serialize(api::number_to_json(200.0)), "200");
  EXPECT_EQ(boost::json::serialize(api::number_to_json(-3.0)), "-3");
  EXPECT_EQ(boost::json::serialize(api::number_to_json(1.5)), "1.5E0");
}

}  // namespace

namespace body_parsing {

// The body of a POST with Content-Type: application/json, as a handler gets it.
http::ApiError parse_error_of(const std::string& body) {
  http::RawRequest raw{boost::beast::http::verb::post, "/api/boards", 11};
  raw.set(boost::beast::http::field::content_type, "application/json");
  raw.body() = body;
  const http::Request request{raw, "/api/boards", "", "/api/boards", {}, "127.0.0.1"};
  try {
    api::parse_json_body(request);
  } catch (const http::ApiError& error) {
    return error;
  }
  return http::ApiError(boost::beast::http::status::ok, "parsed", "no error");
}

std::string nested(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += "[";
  for (int i = 0; i < levels; ++i) text += "]";
  return text;
}

TEST(ParseJsonBody, AKeyTwiceIsMalformed) {
  const http::ApiError error =
      parse_error_of(R"({"username":"nobody","username":"alice","password":"x"})");
  EXPECT_EQ(error.status(), boost::beast::http::status::bad_request);
  EXPECT_EQ(error.code(), "malformed_json");
  EXPECT_NE(std::string(error.what()).find("\"username\""), std::string::npos) << error.what();
  EXPECT_EQ(parse_error_of(R"({"username":"alice","password":"x"})").code(), "parsed");
}

TEST(ParseJsonBody, NestingIsLimitedTo32Levels) {
  EXPECT_EQ(parse_error_of(nested(32)).code(), "parsed");
  EXPECT_EQ(parse_error_of(nested(33)).code(), "malformed_json");
}

}  // namespace body_parsing
