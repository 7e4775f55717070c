#include "telemetry/propagation/request_id.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>

namespace telemetry::propagation {

namespace {

constexpr std::array<bool, 256> make_request_id_table() {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (const char c : {'.', '_', ':', '-'}) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kRequestIdChars = make_request_id_table();

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

// xoshiro256** (a public-domain algorithm): fast, 256-bit state, good statistical
// quality. Request ids need uniqueness, not secrecy, so a CSPRNG per id would only
// cost time; the seed still comes from the OS so that processes and threads differ.
class Xoshiro256 {
 public:
  Xoshiro256() noexcept {
    std::uint64_t seed = os_entropy();
    for (auto& word : state_) word = splitmix64(seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t os_entropy() noexcept {
    // Mixed with time and thread identity so that a failing entropy source still
    // gives distinct streams.
    std::uint64_t seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())) << 1);
    try {
      std::random_device device;
      seed ^= (static_cast<std::uint64_t>(device()) << 32) ^ device();
      seed = splitmix64(seed) ^ ((static_cast<std::uint64_t>(device()) << 32) | device());
    } catch (...) {
      // Keep the time/thread seed: an id is still produced.
    }
    return seed;
  }

  std::array<std::uint64_t, 4> state_{};
};

Xoshiro256& thread_generator() noexcept {
  thread_local Xoshiro256 generator;
  return generator;
}

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

bool is_valid_request_id(std::string_view value) noexcept {
  if (value.empty() || value.size() > kRequestIdMaxLength) return false;
  for (const char c : value) {
    if (!kRequestIdChars[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

void write_new_request_id(char* out36) noexcept {
  Xoshiro256& generator = thread_generator();
  std::array<std::uint8_t, 16> bytes;
  const std::uint64_t high = generator.next();
  const std::uint64_t low = generator.next();
  std::memcpy(bytes.data(), &high, 8);
  std::memcpy(bytes.data() + 8, &low, 8);
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 10xx

  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out36[at++] = '-';
    out36[at++] = kHexDigits[bytes[i] >> 4];
    out36[at++] = kHexDigits[bytes[i] & 0x0f];
  }
}

std::string new_request_id() {
  std::string id(kUuidLength, '\0');
  write_new_request_id(id.data());
  return id;
}

std::string resolve_request_id(std::span<const std::string_view> header_values) {
  if (header_values.size() == 1 && is_valid_request_id(header_values[0])) {
    return std::string(header_values[0]);
  }
  return new_request_id();
}

}  // namespace telemetry::propagation
