#pragma once
// A board's sequence numbers and stored events on SQLite. Every repository method
// that changes a board calls next_seq and store_event inside its own transaction, so
// the change, the board's seq and the event commit together or not at all.

#include <soci/session.h>

#include <cstdint>

#include "domain/board_events.hpp"
#include "storage/sqlite/scope.hpp"
#include "telemetry/context.hpp"

namespace storage::sqlite {

// Takes the board's next seq (boards.seq + 1, written back). Throws if the board is
// gone. Call inside a write transaction. Both statements run for every change: kept
// prepared.
std::int64_t next_seq(const telemetry::Context& ctx, Use& use, domain::Id board_id);

// Takes the board's next seq and stores the event under it; returns the event.
domain::BoardEvent record_event(const telemetry::Context& ctx, Use& use, domain::Id board_id,
                                std::string_view type, std::int64_t at, boost::json::object data);

}  // namespace storage::sqlite
