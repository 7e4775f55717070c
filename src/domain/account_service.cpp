#include "domain/account_service.hpp"

#include "domain/errors.hpp"
#include "domain/secrets.hpp"
#include "domain/validation.hpp"

namespace domain {

namespace {

// Longer than any token we issue; anything bigger is rejected before hashing.
constexpr std::size_t kTokenMaxLength = 128;

DomainError bad_credentials() {
  return DomainError(ErrorCode::unauthorized, "invalid username or password");
}

DomainError bad_token() {
  return DomainError(ErrorCode::unauthorized, "missing, invalid or expired token");
}

}  // namespace

AccountService::AccountService(UserRepository& users, SessionRepository& sessions,
                               AccountOptions options)
    : users_(users), sessions_(sessions), options_(std::move(options)) {}

User AccountService::register_user(const telemetry::Context& ctx, const Credentials& credentials) {
  const std::string hash = hash_new_password(ctx, credentials);
  return insert_user(ctx, credentials.username, hash);
}

std::string AccountService::hash_new_password(const telemetry::Context& ctx,
                                              const Credentials& credentials) {
  validation::require_valid(validation::check_registration(credentials));
  telemetry::Span span = ctx.span().start_child("password.hash");
  span.set_attribute("password.algorithm", "argon2id");
  span.set_attribute("password.opslimit",
                     static_cast<std::int64_t>(options_.password_cost.opslimit));
  span.set_attribute("password.memlimit",
                     static_cast<std::int64_t>(options_.password_cost.memlimit));
  return secrets::hash_password(credentials.password, options_.password_cost);
}

User AccountService::insert_user(const telemetry::Context& ctx, std::string_view username,
                                 const std::string& password_hash) {
  const User user = users_.insert(ctx, username, password_hash, to_unix_millis(options_.clock()));
  ctx.info("auth", "user registered", {{"registered_user_id", user.id}});
  return user;
}

Session AccountService::login(const telemetry::Context& ctx, const Credentials& credentials) {
  const std::optional<UserWithSecret> found = find_login(ctx, credentials);
  const User user = check_password(ctx, found, credentials.password);
  return open_session(ctx, user);
}

std::optional<UserWithSecret> AccountService::find_login(const telemetry::Context& ctx,
                                                         const Credentials& credentials) {
  if (credentials.password.size() > validation::kPasswordMax ||
      credentials.username.size() > validation::kUsernameMax) {
    ctx.info("auth", "login failed", {{"reason", "input_too_long"}});
    throw bad_credentials();
  }
  return users_.find_by_username(ctx, credentials.username);
}

User AccountService::check_password(const telemetry::Context& ctx,
                                    const std::optional<UserWithSecret>& found,
                                    std::string_view password) {
  bool valid = false;
  {
    telemetry::Span span = ctx.span().start_child("password.verify");
    span.set_attribute("password.algorithm", "argon2id");
    // An unknown user is verified against a decoy hash, so that it costs as much time
    // as a wrong password and usernames cannot be probed by timing.
    std::call_once(decoy_once_, [this] {
      decoy_hash_ = secrets::hash_password("decoy password, never valid", options_.password_cost);
    });
    const std::string& hash = found ? found->password_hash : decoy_hash_;
    valid = secrets::verify_password(hash, password) && found.has_value();
    span.set_attribute("password.valid", valid);
  }
  if (!valid) {
    ctx.info("auth", "login failed", {{"reason", found ? "wrong_password" : "unknown_user"}});
    throw bad_credentials();
  }
  return found->user;
}

Session AccountService::open_session(const telemetry::Context& ctx, const User& user) {
  const auto now = options_.clock();
  const UnixMillis now_ms = to_unix_millis(now);
  const UnixMillis expires_ms = to_unix_millis(now + options_.token_ttl);
  Session session;
  session.token = secrets::new_token();
  session.expires_at = format_rfc3339(expires_ms);
  session.user = user;
  sessions_.remove_expired(ctx, now_ms);
  sessions_.insert(ctx, secrets::token_hash(session.token), session.user.id, now_ms, expires_ms);
  ctx.identity().user_id = session.user.id;  // the caller is now known
  ctx.info("auth", "login succeeded", {{"expires_at", session.expires_at}});
  return session;
}

void AccountService::logout(const telemetry::Context& ctx, std::string_view token) {
  if (token.empty() || token.size() > kTokenMaxLength) return;
  sessions_.remove(ctx, secrets::token_hash(token));
  ctx.info("auth", "logged out");
}

User AccountService::authenticate(const telemetry::Context& ctx, std::string_view token) {
  if (token.empty() || token.size() > kTokenMaxLength) throw bad_token();
  const std::string hash = secrets::token_hash(token);
  // One statement finds the session and its user.
  std::optional<SessionUser> found = sessions_.find_user_by_token(ctx, hash);
  if (!found) {
    ctx.debug("auth", "unknown token");
    throw bad_token();
  }
  if (found->expires_at <= to_unix_millis(options_.clock())) {
    ctx.debug("auth", "expired token", {{"token_user_id", found->user.id}});
    sessions_.remove(ctx, hash);
    throw bad_token();
  }
  ctx.identity().user_id = found->user.id;  // the caller is now known
  return std::move(found->user);
}

}  // namespace domain
