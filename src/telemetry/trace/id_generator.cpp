#include "telemetry/trace/id_generator.hpp"

#include <chrono>
#include <cstring>
#include <random>

namespace telemetry {

namespace {

// Plain integers only: thread_local with a trivial destructor.
struct GeneratorState {
  std::uint64_t s[4];
  bool seeded;
};
thread_local GeneratorState tls_state{};

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

[[gnu::noinline]] void seed(GeneratorState& state) noexcept {
  std::uint64_t seed_value = 0;
  try {
    std::random_device device;
    seed_value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    seed_value ^= static_cast<std::uint64_t>(device()) << 16;
  } catch (...) {
    // No entropy source: fall back to the address of this thread's state and the
    // clock, which still differs between threads and runs.
    seed_value =
        reinterpret_cast<std::uintptr_t>(&state) ^
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  for (auto& word : state.s) word = splitmix64(seed_value);
  state.seeded = true;
}

}  // namespace

std::uint64_t random_u64() noexcept {
  GeneratorState& state = tls_state;
  if (!state.seeded) [[unlikely]]
    seed(state);
  std::uint64_t* s = state.s;
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

TraceId random_trace_id() noexcept {
  TraceId id;
  std::uint64_t high = random_u64();
  std::uint64_t low = random_u64();
  while ((high | low) == 0) low = random_u64();
  std::memcpy(id.bytes.data(), &high, 8);
  std::memcpy(id.bytes.data() + 8, &low, 8);
  return id;
}

SpanId random_span_id() noexcept {
  SpanId id;
  std::uint64_t value = random_u64();
  while (value == 0) value = random_u64();
  std::memcpy(id.bytes.data(), &value, 8);
  return id;
}

void reseed_this_thread() noexcept {
  tls_state.seeded = false;
}

}  // namespace telemetry
