#include "domain/secrets.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace domain {

PasswordCost PasswordCost::interactive() noexcept {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimal() noexcept {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

}  // namespace domain

namespace domain::secrets {

namespace {
void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; it returns 1 when already done.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}
}  // namespace

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opslimit,
                            cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view encoded_hash, std::string_view password) noexcept {
  if (sodium_init() < 0) return false;
  // libsodium wants a NUL-terminated hash string.
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  ensure_sodium();
  std::array<unsigned char, 32> raw{};
  randombytes_buf(raw.data(), raw.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), kVariant);
  out.resize(out.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string token_hash(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

}  // namespace domain::secrets
