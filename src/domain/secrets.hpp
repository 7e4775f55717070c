#pragma once
// The cryptography of accounts, on libsodium: Argon2id password hashes, random
// bearer tokens and the hash under which a token is stored.

#include <string>
#include <string_view>

#include "domain/password_cost.hpp"

namespace domain::secrets {

// libsodium's encoded form: "$argon2id$v=19$m=...,t=...,p=1$salt$hash".
std::string hash_password(std::string_view password, const PasswordCost& cost);
bool verify_password(std::string_view encoded_hash, std::string_view password) noexcept;

// 32 random bytes, base64url without padding (43 characters).
std::string new_token();
// Lowercase hex SHA-256 of the token text: what the database keeps.
std::string token_hash(std::string_view token);

}  // namespace domain::secrets
