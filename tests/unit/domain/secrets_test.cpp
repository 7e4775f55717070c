#include "domain/secrets.hpp"
#include "domain/account_service.hpp"

#include <gtest/gtest.h>

#include <set>

namespace domain {
namespace {

TEST(PasswordHash, IsArgon2idAndNeverThePassword) {
  const std::string hash = secrets::hash_password("correct horse", PasswordCost::minimal());
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
}

TEST(PasswordHash, RecordsTheConfiguredCost) {
  const PasswordCost cost = PasswordCost::minimal();
  const std::string hash = secrets::hash_password("correct horse", cost);
  // libsodium encodes m (KiB) and t in the string: the cost travels with the hash.
  const std::string expected =
      "m=" + std::to_string(cost.memlimit / 1024) + ",t=" + std::to_string(cost.opslimit);
  EXPECT_NE(hash.find(expected), std::string::npos) << hash;
}

TEST(PasswordHash, DefaultCostIsInteractive) {
  const AccountOptions defaults;
  EXPECT_EQ(defaults.password_cost.opslimit, PasswordCost::interactive().opslimit);
  EXPECT_EQ(defaults.password_cost.memlimit, PasswordCost::interactive().memlimit);
  EXPECT_GT(PasswordCost::interactive().memlimit, PasswordCost::minimal().memlimit);
  EXPECT_EQ(defaults.token_ttl, std::chrono::hours(24));
}

TEST(PasswordHash, IsSaltedSoEqualPasswordsHashDifferently) {
  EXPECT_NE(secrets::hash_password("same password", PasswordCost::minimal()),
            secrets::hash_password("same password", PasswordCost::minimal()));
}

TEST(PasswordVerify, AcceptsOnlyTheRightPassword) {
  const std::string hash = secrets::hash_password("correct horse", PasswordCost::minimal());
  EXPECT_TRUE(secrets::verify_password(hash, "correct horse"));
  EXPECT_FALSE(secrets::verify_password(hash, "correct horsE"));
  EXPECT_FALSE(secrets::verify_password(hash, ""));
  EXPECT_FALSE(secrets::verify_password("not a hash", "correct horse"));
}

TEST(Token, Is32RandomBytesInBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string token = secrets::new_token();
    ASSERT_EQ(token.size(), 43u);  // ceil(32 * 4 / 3), no padding
    for (const char c : token) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
    }
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(Token, IsStoredAsItsSha256) {
  // SHA-256("abc"), from FIPS 180-2's examples.
  EXPECT_EQ(secrets::token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string token = secrets::new_token();
  EXPECT_EQ(secrets::token_hash(token).size(), 64u);
  EXPECT_EQ(secrets::token_hash(token).find(token), std::string::npos);
}

}  // namespace
}  // namespace domain
