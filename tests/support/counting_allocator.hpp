#pragma once
// Replaces the global operator new/delete with versions that count allocations, so a
// test or benchmark can show that a path does not allocate. Include it from exactly
// one source file of a program (it defines the replacement functions).

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace counting_allocator {
inline std::atomic<long> allocations{0};
inline long count() noexcept {
  return allocations.load(std::memory_order_relaxed);
}
}  // namespace counting_allocator

// GCC's -Wmismatched-new-delete cannot see that the replaced new pairs with the
// replaced delete, hence the pragma.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  counting_allocator::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
