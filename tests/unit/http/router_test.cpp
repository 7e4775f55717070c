#include "http/router.hpp"

#include <gtest/gtest.h>

namespace {

using boost::beast::http::verb;

http::Handler dummy() {
  return [](http::Request&, const telemetry::Context&) -> boost::asio::awaitable<http::Response> {
    co_return http::Response{};
  };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add(verb::get, "/api/boards", dummy());
    router.add(verb::post, "/api/boards", dummy());
    router.add(verb::get, "/api/boards/{id}", dummy());
    router.add(verb::delete_, "/api/boards/{id}", dummy());
    router.add(verb::patch, "/api/boards/{id}/elements/{element_id}", dummy());
  }
  http::Router router;
};

TEST_F(RouterTest, MatchesStaticRoute) {
  const auto match = router.match(verb::get, "/api/boards");
  EXPECT_EQ(match.kind, http::RouteMatch::Kind::found);
  EXPECT_EQ(match.route, "/api/boards");
  EXPECT_TRUE(match.params.empty());
}

TEST_F(RouterTest, FillsParametersAndNamesTheTemplate) {
  const auto match = router.match(verb::patch, "/api/boards/42/elements/7");
  ASSERT_EQ(match.kind, http::RouteMatch::Kind::found);
  EXPECT_EQ(match.route, "/api/boards/{id}/elements/{element_id}");
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"id", "42"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"element_id", "7"}));
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router.match(verb::get, "/api/nothing").kind, http::RouteMatch::Kind::not_found);
  EXPECT_EQ(router.match(verb::get, "/api/boards/1/2").kind, http::RouteMatch::Kind::not_found);
  EXPECT_EQ(router.match(verb::get, "/").kind, http::RouteMatch::Kind::not_found);
}

TEST_F(RouterTest, TrailingSlashIsNotTheSameResource) {
  EXPECT_EQ(router.match(verb::get, "/api/boards/").kind, http::RouteMatch::Kind::not_found);
}

TEST_F(RouterTest, WrongMethodListsAllowedOnes) {
  const auto match = router.match(verb::put, "/api/boards/9");
  EXPECT_EQ(match.kind, http::RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(match.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(match.route, "/api/boards/{id}");
}

TEST_F(RouterTest, HeadIsServedByTheGetRoute) {
  const auto match = router.match(verb::head, "/api/boards/9");
  ASSERT_EQ(match.kind, http::RouteMatch::Kind::found);
  EXPECT_EQ(match.route, "/api/boards/{id}");
  EXPECT_EQ(match.params.size(), 1u);
}

TEST_F(RouterTest, HeadWithoutAGetRouteIsNotAllowed) {
  const auto match = router.match(verb::head, "/api/boards/1/elements/2");
  EXPECT_EQ(match.kind, http::RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(match.allow, "PATCH");
}

}  // namespace

namespace {

TEST(UpgradeRoute, MatchesAsAGetRouteWithItsUpgradeHandlerInsteadOfAHandler) {
  http::Router router;
  router.add_upgrade(
      "/ws/boards/{id}",
      [](http::Request&, const telemetry::Context&)
          -> boost::asio::awaitable<std::unique_ptr<http::Upgrade>> { co_return nullptr; });
  const auto match = router.match(verb::get, "/ws/boards/9");
  ASSERT_EQ(match.kind, http::RouteMatch::Kind::found);
  EXPECT_EQ(match.route, "/ws/boards/{id}");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_NE(match.upgrade, nullptr);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"id", "9"}));

  const auto wrong = router.match(verb::post, "/ws/boards/9");
  EXPECT_EQ(wrong.kind, http::RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(wrong.allow, "GET");
  EXPECT_EQ(router.match(verb::head, "/ws/boards/9").kind,
            http::RouteMatch::Kind::method_not_allowed);
}

}  // namespace
