#pragma once
// Where span records come from and go back to. A record keeps the capacity of its
// strings and vectors between spans, so reusing records keeps allocation off the
// request path.
//
// Every thread keeps a small stack of records of its own, so starting and ending a
// span takes no lock. A span may end on another thread than the one that started it
// (a request moves between I/O and database threads), so one thread's stack can
// overflow while another's runs dry: they even out through a shared pool, a batch of
// records per lock.

#include "telemetry/trace/span_record.hpp"

namespace telemetry::detail {

// A record ready for reset(); throws std::bad_alloc when none is free and none can be
// allocated.
SpanRecord* acquire_span_record();
void release_span_record(SpanRecord* record) noexcept;

}  // namespace telemetry::detail
