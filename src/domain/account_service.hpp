#pragma once
// Accounts and sessions: register, log in (a bearer token), log out, and turn a
// token back into its user. Passwords are hashed with Argon2id; tokens are 32
// random bytes given to the client once (base64url, no padding) and stored only
// as their SHA-256. All methods block. Registering and logging in are also offered
// in steps, so that the password hashing (CPU and memory) runs on its own pool and
// the database steps on the database pool:
//   register_user = hash_new_password (hashing) + insert_user (database)
//   login         = find_login (database) + check_password (hashing)
//                   + open_session (database)

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/entities.hpp"
#include "domain/inputs.hpp"
#include "domain/password_cost.hpp"
#include "domain/repositories.hpp"
#include "telemetry/context.hpp"

namespace domain {

struct AccountOptions {
  PasswordCost password_cost = PasswordCost::interactive();
  std::chrono::seconds token_ttl = std::chrono::hours(24);
  Clock clock = system_clock();
};

struct Session {
  std::string token;       // shown once; only its hash is kept
  std::string expires_at;  // RFC 3339
  User user;
};

class AccountService {
 public:
  AccountService(UserRepository& users, SessionRepository& sessions, AccountOptions options = {});

  // validation_failed (username/password rules) or username_taken.
  User register_user(const telemetry::Context& ctx, const Credentials& credentials);
  // unauthorized for an unknown user or a wrong password (same message for both).
  Session login(const telemetry::Context& ctx, const Credentials& credentials);

  // The steps of register_user. hash_new_password checks the username and password
  // rules (validation_failed) and hashes; insert_user may throw username_taken.
  std::string hash_new_password(const telemetry::Context& ctx, const Credentials& credentials);
  User insert_user(const telemetry::Context& ctx, std::string_view username,
                   const std::string& password_hash);
  // The steps of login. find_login looks the user up (unauthorized for input longer
  // than any account could have); check_password verifies the password, against a
  // decoy hash when the user is unknown, and throws unauthorized when it is wrong;
  // open_session issues the token.
  std::optional<UserWithSecret> find_login(const telemetry::Context& ctx,
                                           const Credentials& credentials);
  User check_password(const telemetry::Context& ctx, const std::optional<UserWithSecret>& found,
                      std::string_view password);
  Session open_session(const telemetry::Context& ctx, const User& user);
  // Ends the session of `token`; a token that is unknown already is not an error.
  void logout(const telemetry::Context& ctx, std::string_view token);
  // The token's user; unauthorized if the token is unknown or expired. Also sets
  // ctx's user id.
  User authenticate(const telemetry::Context& ctx, std::string_view token);

 private:
  UserRepository& users_;
  SessionRepository& sessions_;
  AccountOptions options_;
  std::once_flag decoy_once_;
  std::string decoy_hash_;  // verified against for unknown users; see login()
};

}  // namespace domain
