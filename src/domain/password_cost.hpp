#pragma once
// How much work an Argon2id password hash costs (libsodium's opslimit and memlimit).

#include <cstddef>

namespace domain {

struct PasswordCost {
  unsigned long long opslimit;
  std::size_t memlimit;
  static PasswordCost interactive() noexcept;  // libsodium's *_INTERACTIVE: the default
  static PasswordCost minimal() noexcept;      // libsodium's *_MIN: fast, for tests only
};

}  // namespace domain
