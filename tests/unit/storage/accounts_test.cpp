#include <gtest/gtest.h>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "domain/secrets.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage_test_support.hpp"

namespace storage::test {
namespace {

using domain::DomainError;
using domain::ErrorCode;

class Accounts : public StorageTest {
 protected:
  Accounts() { open_storage(); }

  ErrorCode error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const DomainError& error) {
      return error.code();
    }
    ADD_FAILURE() << "expected a DomainError";
    return ErrorCode::conflict;
  }
  domain::AccountService& accounts() { return storage->accounts(); }
};

TEST_F(Accounts, RegisteredUserCanLogInAndIsKnownByTheToken) {
  const domain::User alice = register_user("Alice", "correct horse");
  EXPECT_GT(alice.id, 0);
  EXPECT_EQ(alice.username, "Alice");
  EXPECT_EQ(alice.created_at, "2026-11-24T23:20:15.123Z");

  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(session.user.id, alice.id);
  EXPECT_EQ(session.token.size(), 43u);
  EXPECT_EQ(session.expires_at, "2026-11-25T23:20:15.123Z");  // default TTL: 24 h

  TestContext later;
  const domain::User who = accounts().authenticate(later.ctx, session.token);
  EXPECT_EQ(who.id, alice.id);
  EXPECT_EQ(later.ctx.user_id(), alice.id);
}

TEST_F(Accounts, UsernamesAreUniqueWhateverTheirCase) {
  register_user("alice");
  EXPECT_EQ(error_of([&] { register_user("ALICE"); }), ErrorCode::username_taken);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(Accounts, RegistrationRulesAreEnforced) {
  try {
    register_user("x", "short");
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::validation_failed);
    ASSERT_EQ(error.details().size(), 2u);
    EXPECT_EQ(error.details()[0].field, "username");
    EXPECT_EQ(error.details()[1].field, "password");
  }
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM users"), "0");
}

TEST_F(Accounts, WrongPasswordAndUnknownUserAreTheSameUnauthorized) {
  register_user("alice", "correct horse");
  std::string wrong_password, unknown_user;
  try {
    accounts().login(t.ctx, {"alice", "wrong horse"});
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::unauthorized);
    wrong_password = error.message();
  }
  try {
    accounts().login(t.ctx, {"bob", "correct horse"});
  } catch (const DomainError& error) {
    EXPECT_EQ(error.code(), ErrorCode::unauthorized);
    unknown_user = error.message();
  }
  EXPECT_FALSE(wrong_password.empty());
  EXPECT_EQ(wrong_password, unknown_user);
}

TEST_F(Accounts, PasswordIsStoredAsArgon2idOnly) {
  register_user("alice", "correct horse battery");
  const std::string hash = query_text("SELECT password_hash FROM users");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(raw_bytes().find("correct horse battery"), std::string::npos);
}

TEST_F(Accounts, TokenIsStoredOnlyAsItsHash) {
  register_user("alice", "correct horse");
  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(query_text("SELECT token_hash FROM sessions"),
            domain::secrets::token_hash(session.token));
  EXPECT_EQ(raw_bytes().find(session.token), std::string::npos);
}

TEST_F(Accounts, TokenExpiresAfterItsTtl) {
  register_user("alice", "correct horse");
  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  clock.advance(std::chrono::hours(24) - std::chrono::milliseconds(1));
  EXPECT_NO_THROW(accounts().authenticate(t.ctx, session.token));
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(error_of([&] { accounts().authenticate(t.ctx, session.token); }),
            ErrorCode::unauthorized);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sessions"), "0");  // cleaned up
}

TEST_F(Accounts, TokenTtlIsConfigurable) {
  StorageOptions short_lived = options();
  short_lived.accounts.token_ttl = std::chrono::minutes(5);
  storage.reset();
  storage = std::make_unique<Storage>(open(t.ctx, "sqlite://" + path, short_lived));
  register_user("alice", "correct horse");
  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_EQ(session.expires_at, "2026-11-24T23:25:15.123Z");
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(error_of([&] { accounts().authenticate(t.ctx, session.token); }),
            ErrorCode::unauthorized);
}

TEST_F(Accounts, LogoutEndsOnlyThatSession) {
  register_user("alice", "correct horse");
  const domain::Session phone = accounts().login(t.ctx, {"alice", "correct horse"});
  const domain::Session laptop = accounts().login(t.ctx, {"alice", "correct horse"});
  accounts().logout(t.ctx, phone.token);
  EXPECT_EQ(error_of([&] { accounts().authenticate(t.ctx, phone.token); }),
            ErrorCode::unauthorized);
  EXPECT_NO_THROW(accounts().authenticate(t.ctx, laptop.token));
  EXPECT_NO_THROW(accounts().logout(t.ctx, phone.token));  // again: not an error
}

TEST_F(Accounts, GarbageTokensAreUnauthorized) {
  for (const std::string& token :
       {std::string(), std::string("nope"), std::string(10000, 'a'), std::string("\0\xff", 2)}) {
    EXPECT_EQ(error_of([&] { accounts().authenticate(t.ctx, token); }), ErrorCode::unauthorized);
  }
}

// The session repository's one-statement token lookup, beneath the service: the
// user and the expiry for a known hash, nothing for an unknown one, and an expired
// session still returned (the service decides, and deletes it).
TEST_F(Accounts, TokenLookupFindsTheUserAndTheExpiryInOneRead) {
  const domain::User alice = register_user("Alice", "correct horse");
  register_user("bob", "correct horse");
  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  accounts().login(t.ctx, {"bob", "correct horse"});
  auto db = sqlite::open_sqlite(t.ctx, path, {});
  sqlite::SessionRepository sessions(*db);
  const std::string hash = domain::secrets::token_hash(session.token);

  const auto found = sessions.find_user_by_token(t.ctx, hash);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user.id, alice.id);
  EXPECT_EQ(found->user.username, "Alice");
  EXPECT_EQ(found->user.created_at, alice.created_at);
  EXPECT_EQ(domain::format_rfc3339(found->expires_at), session.expires_at);

  EXPECT_FALSE(sessions.find_user_by_token(t.ctx, domain::secrets::token_hash("unknown")));
  EXPECT_FALSE(sessions.find_user_by_token(t.ctx, ""));

  clock.advance(std::chrono::hours(25));
  const auto expired = sessions.find_user_by_token(t.ctx, hash);
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->expires_at, found->expires_at);
  EXPECT_THROW(accounts().authenticate(t.ctx, session.token), DomainError);
  EXPECT_TRUE(t.logger.has_message("auth", "expired token"));
  EXPECT_FALSE(sessions.find_user_by_token(t.ctx, hash));       // the service deleted it
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sessions"), "1");  // bob's is left alone
}

TEST_F(Accounts, LogsNeverCarryPasswordsOrTokens) {
  register_user("alice", "correct horse");
  const domain::Session session = accounts().login(t.ctx, {"alice", "correct horse"});
  EXPECT_THROW(accounts().login(t.ctx, {"alice", "wrong horse!"}), DomainError);
  accounts().authenticate(t.ctx, session.token);
  accounts().logout(t.ctx, session.token);
  const std::string logged = t.logger.all_text();
  EXPECT_TRUE(t.logger.has_message("auth", "login succeeded"));
  EXPECT_TRUE(t.logger.has_message("auth", "login failed"));
  EXPECT_EQ(logged.find("correct horse"), std::string::npos);
  EXPECT_EQ(logged.find("wrong horse!"), std::string::npos);
  EXPECT_EQ(logged.find(session.token), std::string::npos);
  EXPECT_EQ(logged.find(domain::secrets::token_hash(session.token)), std::string::npos);
}

}  // namespace
}  // namespace storage::test
