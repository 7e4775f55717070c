#pragma once
// How much one board may hold. Settings (BOARD_MAX_ELEMENTS_PER_BOARD,
// BOARD_MAX_MEMBERS_PER_BOARD in README.md) that bound the rows, and so the work and
// memory, behind one board; the use cases refuse a write past them with
// limit_reached.

#include <cstdint>

namespace domain {

struct BoardLimits {
  std::int64_t max_elements = 10000;  // elements on one board
  std::int64_t max_members = 1000;    // members of one board, the owner included
};

}  // namespace domain
